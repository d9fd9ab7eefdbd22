import { createContext, useContext } from 'react';
import type { Role } from './session';

/** Who is signed in, as the server said when the credential was checked. */
export interface Viewer {
  role: Role;
  partner: { id: string; name: string; category: string; currency: string } | null;
  cardNumber: string | null;
  signOut(): void;
}

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside a signed-in console');
  return viewer;
}
