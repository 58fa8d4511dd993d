/**
 * The text of a `.env` file documenting every variable `loadConfig` reads.
 *
 * `daybook init` writes it with fresh secrets; `.env.example` in the
 * repository is the same text with the secrets left empty (a test keeps the
 * two identical). Every other variable is a comment showing its default, so
 * the file documents itself and changes nothing until a line is uncommented.
 */

export interface EnvSecrets {
  readonly masterEncryptionKey: string;
  readonly jwtSecret: string;
}

/** `secrets` omitted: the secrets are left empty (the `.env.example` form). */
export function envFileText(secrets?: EnvSecrets): string {
  const mek = secrets?.masterEncryptionKey ?? '';
  const jwt = secrets?.jwtSecret ?? '';
  return `# Daybook configuration (.env). \`npx daybook init\` writes one with fresh secrets;
# .env.example is the same file with the secrets left empty.
# Keep .env private (mode 0600) and out of version control; never reuse the secrets of another install.
# Every commented line shows the default; uncomment a line to change it.

# --- Secrets (required; there is no default for any of them) ----------------

# Master encryption key: exactly 64 hex characters (256 bits). It wraps every
# user's data key and keys the email index. Losing it loses every journal, so
# back it up somewhere safe, apart from the databases. Generate one with
#   openssl rand -hex 32
MASTER_ENCRYPTION_KEY=${mek}
# Or read it from a file (container secrets); set only one of the two.
# MASTER_ENCRYPTION_KEY_FILE=/run/secrets/daybook_master_key

# Previous master keys, comma-separated, kept only while \`daybook keys rotate\` runs.
# MASTER_ENCRYPTION_KEY_PREVIOUS=
# MASTER_ENCRYPTION_KEY_PREVIOUS_FILE=

# Signs access tokens (HS256): at least 256 bits as hex (64+ characters) or
# base64, and different from the master key. Generate one with
#   openssl rand -hex 32
JWT_SECRET=${jwt}
# JWT_SECRET_FILE=/run/secrets/daybook_jwt_secret

# --- Server -------------------------------------------------------------------

# HOST=127.0.0.1
# PORT=3000
# One of fatal, error, warn, info, debug, trace, silent.
# LOG_LEVEL=info
# Proxies whose X-Forwarded-For is believed: false, true, a hop count, or a
# comma-separated list of addresses or CIDR ranges. Leave false unless a proxy
# you run sits in front of Daybook.
# TRUST_PROXY=false
# The origin browsers use to reach Daybook, e.g. https://journal.example.org
# (checked against the Origin header of cookie-authenticated requests).
# PUBLIC_ORIGIN=
# Extra origins allowed by CORS, comma-separated (never *). Empty: none.
# CORS_ORIGINS=
# Mark cookies Secure (needed for __Host- cookies); keep true outside tests.
# COOKIE_SECURE=true

# --- Databases ----------------------------------------------------------------

# sqlite:<path> (embedded, the default) or postgres://user:password@host/db
# PLATFORM_DATABASE_URL=sqlite:./data/platform.db
# VAULT_DATABASE_URL=sqlite:./data/vault.db
# Connections per PostgreSQL pool.
# DATABASE_POOL_SIZE=10
# Vault rows deleted per batch when a deleted account's data is purged.
# PURGE_BATCH_SIZE=500
# Redis for rate-limit state shared across instances, e.g. redis://localhost:6379
# Empty: limits are kept in memory, per process.
# REDIS_URL=
# Prefix of the rate-limit keys in Redis; give deployments sharing a Redis their own.
# RATE_LIMIT_REDIS_PREFIX=daybook:rl:

# --- Passwords ----------------------------------------------------------------

# argon2id cost: memory in KiB (19456 = 19 MiB, the OWASP minimum), passes, lanes.
# ARGON2_MEMORY_KIB=19456
# ARGON2_TIME_COST=2
# ARGON2_PARALLELISM=1
# Hashes run at once (empty: one per CPU core) and how many may wait behind
# them (empty: four per core) before the server answers 503.
# HASH_CONCURRENCY=
# HASH_QUEUE=
# Consecutive failed logins that lock an account, and for how long.
# LOCKOUT_THRESHOLD=5
# LOCKOUT_MINUTES=15

# --- Rate limits per client IP (MAX requests per WINDOW_MINUTES) --------------

# RATE_LIMIT_SIGNUP_MAX=5
# RATE_LIMIT_SIGNUP_WINDOW_MINUTES=15
# RATE_LIMIT_LOGIN_MAX=5
# RATE_LIMIT_LOGIN_WINDOW_MINUTES=15
# RATE_LIMIT_REFRESH_MAX=30
# RATE_LIMIT_REFRESH_WINDOW_MINUTES=15
# RATE_LIMIT_MFA_MAX=3
# RATE_LIMIT_MFA_WINDOW_MINUTES=5
# RATE_LIMIT_API_MAX=600
# RATE_LIMIT_API_WINDOW_MINUTES=1

# --- Tokens -------------------------------------------------------------------

# Access token lifetime (at most 900 = 15 minutes) and refresh token lifetime
# (at most 604800 = 7 days).
# ACCESS_TOKEN_TTL_SECONDS=900
# REFRESH_TOKEN_TTL_SECONDS=604800

# --- Web client ---------------------------------------------------------------

# The folder of the built web client served at / (npm run build:web writes it;
# npm run setup runs that). Empty: dist/web of this install.
# WEB_ROOT=

# --- Benchmarks ---------------------------------------------------------------

# Serve /api/bench/bare (a small JSON, no auth, no database) and
# /api/bench/loop (event-loop delay); only \`npm run bench\` turns this on.
# Never set it in production.
# BENCH_BARE_ROUTE=false
`;
}
