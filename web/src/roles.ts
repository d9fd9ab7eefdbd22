import type { ComponentType } from 'react';

/**
 * What each role's part of the console (operator/, partner/, member/) gives the shell: its pages
 * as the default export and their navigation as `nav`.
 */
export interface RoleConsole {
  default: ComponentType;
  nav: readonly { to: string; label: string }[];
}
