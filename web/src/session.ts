/** The signed-in person's profile, shared by every screen. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

import type { Profile } from './types.ts';

export interface UserState {
  profile: Profile;
  /** Replaces the profile after a change (settings, MFA). */
  setProfile: (profile: Profile) => void;
}

export const UserContext = createContext<UserState | null>(null);

export function useUser(): UserState {
  const user = useContext(UserContext);
  if (!user) throw new Error('useUser outside a signed-in screen');
  return user;
}
