export { emailIndex, normaliseEmail } from './blind-index.ts';
export { generateDataKey, unwrapDataKey, wrapDataKey, type WrappedDataKey } from './data-key.ts';
export { deriveKey, KeyRing, masterKeyId, type MasterKey } from './keyring.ts';
export {
  open,
  openJson,
  openWithAad,
  paddedLength,
  seal,
  sealedAd,
  SealedValueError,
  sealJson,
  sealWithAad,
  SEALED_VERSION,
} from './sealed.ts';
