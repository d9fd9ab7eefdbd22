import { useQuery } from 'urql';
import { graphql } from '../gql';
import { formatPoints } from '../format';
import { Card, ErrorNote, Loading, Page } from '../ui/kit';

const MyWallet = graphql(`
  query MyWallet {
    me {
      id
      cardNumber
      balance
    }
  }
`);

export function WalletPage() {
  const [{ data, fetching, error }] = useQuery({ query: MyWallet });
  return (
    <Page title="Wallet">
      <Card title="Balance">
        {fetching && <Loading what="Loading your balance" />}
        <ErrorNote error={error} />
        {data?.me && (
          <p className="balance" aria-label="Points balance">
            {formatPoints(data.me.balance)}
          </p>
        )}
        {data && !data.me && <p>This card is not enrolled.</p>}
      </Card>
    </Page>
  );
}
