import { Page } from '../ui/kit';
import { RetentionView } from '../ui/retention';

/** The partner's own members (those who purchased at it); the server scopes the key to itself. */
export function RetentionPage() {
  return (
    <Page title="Retention">
      <RetentionView partnerId={null} showEmail={false} />
    </Page>
  );
}
