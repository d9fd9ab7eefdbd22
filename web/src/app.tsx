import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Navigate, NavLink, Route, Routes, useNavigate } from 'react-router-dom';
import { Provider } from 'urql';
import { createClient } from './client';
import type { RoleConsole } from './roles';
import { storeCredential, storedCredential, type Role } from './session';
import { identify, SignIn } from './sign-in';
import { Loading } from './ui/kit';
import { Viewer, ViewerContext } from './viewer';

/** Each role's pages load on their own, so a member's phone never downloads the operator console. */
const consoles: Record<Role, () => Promise<RoleConsole>> = {
  OPERATOR: () => import('./operator'),
  PARTNER: () => import('./partner'),
  MEMBER: () => import('./member'),
};
const ROLE_LABEL: Record<Role, string> = { OPERATOR: 'Operator', PARTNER: 'Partner', MEMBER: 'Member' };

export function App() {
  const [credential, setCredential] = useState<string | null>(storedCredential);
  const [viewer, setViewer] = useState<Omit<Viewer, 'signOut'> | null>(null);
  const [checking, setChecking] = useState(credential !== null);
  const navigate = useNavigate();

  // A reload keeps the session: the stored credential is checked again with the server.
  useEffect(() => {
    if (!credential || viewer) return;
    void identify(credential).then((answer) => {
      if ('viewer' in answer) setViewer(answer.viewer);
      else signOut();
      setChecking(false);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const client = useMemo(() => createClient(credential), [credential]);

  function signOut() {
    storeCredential(null);
    setCredential(null);
    setViewer(null);
    navigate('/');
  }

  if (checking) return <Loading what="Checking your sign-in" />;
  if (!credential || !viewer) {
    return (
      <SignIn
        onSignedIn={(c, v) => {
          storeCredential(c);
          setCredential(c);
          setViewer(v);
          navigate('/');
        }}
      />
    );
  }
  return (
    <ViewerContext.Provider value={{ ...viewer, signOut }}>
      <Provider value={client}>
        <Shell viewer={viewer} onSignOut={signOut} />
      </Provider>
    </ViewerContext.Provider>
  );
}

function Shell({ viewer, onSignOut }: { viewer: Omit<Viewer, 'signOut'>; onSignOut: () => void }) {
  const Console = useMemo(() => lazy(consoles[viewer.role]), [viewer.role]);
  const [nav, setNav] = useState<RoleConsole['nav']>([]);
  useEffect(() => {
    void consoles[viewer.role]().then((m) => setNav(m.nav));
  }, [viewer.role]);
  const who = viewer.partner?.name ?? viewer.cardNumber ?? (viewer.role === 'OPERATOR' ? 'Coalition operator' : '');
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/">
          Coalition
        </a>
        <span className="who">
          <span className="role">{ROLE_LABEL[viewer.role]}</span> {who}
        </span>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav className="role-nav" aria-label={`${ROLE_LABEL[viewer.role]} pages`}>
        {nav.map((item) => (
          <NavLink key={item.to} to={item.to} end>
            {item.label}
          </NavLink>
        ))}
      </nav>
      <main>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/*" element={<ConsolePages Console={Console} home={nav[0]?.to} />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

function ConsolePages({ Console, home }: { Console: React.ComponentType; home?: string }) {
  return (
    <Routes>
      {home && <Route index element={<Navigate to={home} replace />} />}
      <Route path="*" element={<Console />} />
    </Routes>
  );
}
