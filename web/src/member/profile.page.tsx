import { useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { formatDate } from '../format';
import { ActionForm, Card, downloadJson, ErrorNote, Field, Loading, Notice, Page, UserErrors, type UserErrorShape } from '../ui/kit';

const MemberProfileQuery = graphql(`
  query MemberProfilePage {
    me {
      id
      cardNumber
      firstName
      lastName
      email
      language
      marketingConsent {
        granted
        at
        source
      }
    }
  }
`);

const MemberUpdateProfile = graphql(`
  mutation MemberUpdateProfile($input: MemberProfileInput!) {
    updateMemberProfile(input: $input) {
      member {
        id
        firstName
        lastName
        email
        language
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const MemberSetConsent = graphql(`
  mutation MemberSetConsent($input: SetMarketingConsentInput!) {
    setMarketingConsent(input: $input) {
      member {
        id
        marketingConsent {
          granted
          at
          source
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const MemberEnrollMe = graphql(`
  mutation MemberEnrollMe($input: EnrollMeInput!) {
    enrollMe(input: $input) {
      member {
        id
        cardNumber
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const MemberExport = graphql(`
  query MemberExportMyData {
    exportMyData
  }
`);

const SOURCE_LABEL: Record<string, string> = {
  APP: 'in the app',
  WEB: 'on the website',
  TILL: 'at a till',
  PHONE: 'by phone',
  PAPER: 'on paper',
};

/** The profile fields shared by joining and editing; blank clears a field. */
function ProfileFields({
  values,
}: {
  values?: { firstName?: string | null; lastName?: string | null; email?: string | null; language?: string | null };
}) {
  return (
    <>
      <Field label="First name" name="firstName" defaultValue={values?.firstName ?? ''} autoComplete="given-name" maxLength={100} />
      <Field label="Last name" name="lastName" defaultValue={values?.lastName ?? ''} autoComplete="family-name" maxLength={100} />
      <Field label="Email" name="email" type="email" defaultValue={values?.email ?? ''} autoComplete="email" />
      <Field label="Language" name="language" defaultValue={values?.language ?? ''} hint='A language tag such as "en" or "de-AT"' />
    </>
  );
}

const profileInput = (form: FormData) => ({
  firstName: String(form.get('firstName') ?? ''),
  lastName: String(form.get('lastName') ?? ''),
  email: String(form.get('email') ?? ''),
  language: String(form.get('language') ?? ''),
});

/** Self-enrolment, shown on the wallet while the token's card is not enrolled. */
export function JoinCard({ onJoined }: { onJoined: () => void }) {
  const [, enrollMe] = useMutation(MemberEnrollMe);
  const [errors, setErrors] = useState<readonly UserErrorShape[]>();
  return (
    <Card title="Join">
      <p>This card is not enrolled yet. Join here, or ask at a partner’s till.</p>
      <ActionForm
        label="Join"
        busyLabel="Joining…"
        onSubmit={async (form) => {
          const result = await enrollMe({ input: { ...profileInput(form), marketingConsent: form.get('consent') === 'on' } });
          setErrors(result.data?.enrollMe.userErrors);
          if (result.data?.enrollMe.member) onJoined();
        }}
      >
        <ProfileFields />
        <ConsentCheckbox defaultChecked={false} />
      </ActionForm>
      <UserErrors errors={errors} />
    </Card>
  );
}

function ConsentCheckbox({ defaultChecked }: { defaultChecked: boolean }) {
  return (
    <label className="checkbox">
      <input type="checkbox" name="consent" defaultChecked={defaultChecked} /> Partners may greet me by name and send me offers
    </label>
  );
}

export function ProfilePage() {
  const [{ data, fetching, error }] = useQuery({ query: MemberProfileQuery });
  const [, update] = useMutation(MemberUpdateProfile);
  const [, setConsent] = useMutation(MemberSetConsent);
  const client = useClient();
  const [errors, setErrors] = useState<readonly UserErrorShape[]>();
  const [saved, setSaved] = useState(false);
  const me = data?.me;
  const consent = me?.marketingConsent;

  const download = async () => {
    const result = await client.query(MemberExport, {}, { requestPolicy: 'network-only' }).toPromise();
    if (result.data?.exportMyData) downloadJson(`coalition-data-${me!.cardNumber}.json`, result.data.exportMyData);
  };

  return (
    <Page title="Profile">
      {fetching && !data && <Loading what="Loading your profile" />}
      <ErrorNote error={error} />
      {me && (
        <>
          <Card title="Your details">
            <ActionForm
              label="Save"
              busyLabel="Saving…"
              onSubmit={async (form) => {
                const result = await update({ input: profileInput(form) });
                setErrors(result.data?.updateMemberProfile.userErrors);
                setSaved(!!result.data?.updateMemberProfile.member);
              }}
            >
              <ProfileFields values={me} />
            </ActionForm>
            <UserErrors errors={errors} />
            {saved && <Notice>Saved.</Notice>}
          </Card>
          <Card title="Marketing">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={consent?.granted ?? false}
                onChange={(event) => setConsent({ input: { granted: event.currentTarget.checked, source: 'APP' } })}
              />{' '}
              Partners may greet me by name and send me offers
            </label>
            <p className="muted" aria-label="Consent record">
              {consent?.granted && consent.at
                ? `Given ${SOURCE_LABEL[consent.source ?? ''] ?? ''} on ${formatDate(consent.at)}.`
                : 'Not given: partners’ tills do not see your name.'}
            </p>
          </Card>
          <Card title="Your data">
            <p>Everything we hold about you, as a JSON file.</p>
            <button type="button" onClick={download}>
              Download my data
            </button>
          </Card>
        </>
      )}
    </Page>
  );
}
