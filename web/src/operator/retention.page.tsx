import { useState } from 'react';
import { Page } from '../ui/kit';
import { RetentionView } from '../ui/retention';
import { PartnerSelect, usePartners } from './shared';

export function RetentionPage() {
  const { partners } = usePartners();
  const [partnerId, setPartnerId] = useState('');
  return (
    <Page
      title="Retention"
      actions={
        <PartnerSelect
          label="Members of"
          name="partner"
          partners={partners}
          none="The whole coalition"
          value={partnerId}
          onChange={(e) => setPartnerId(e.target.value)}
        />
      }
    >
      <RetentionView key={partnerId} partnerId={partnerId || null} showEmail />
    </Page>
  );
}
