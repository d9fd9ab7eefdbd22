import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { formatPoints } from '../format';
import { Card, Field, Notice, Page, SelectField, UserErrors, type UserErrorShape } from '../ui/kit';
import { TextArea } from './member-ui';
import { useAction } from './use-action';

/**
 * The API lists no surveys to members and has no read of one: a survey reaches a member as an
 * invitation (a link /member/surveys/<survey id>, or its code), and the answer is what pays.
 * The questions are the app's own; the answers are stored with the survey.
 */
const MemberSubmitSurvey = graphql(`
  mutation MemberSubmitSurvey($input: SubmitSurveyInput!) {
    submitSurvey(input: $input) {
      transaction {
        id
        kind
        points
      }
      member {
        id
        balance
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const SURVEY_QUESTIONS = {
  recommend: 'How likely are you to recommend us to a friend (0–10)?',
  liked: 'What did you like most?',
  improve: 'What could we do better?',
} as const;

/** A survey code from what the member pasted: the code itself or an invitation link. */
export function surveyIdFrom(text: string): string | null {
  const trimmed = text.trim();
  const fromLink = /\/member\/surveys\/([A-Za-z0-9_-]+)/.exec(trimmed)?.[1];
  const id = fromLink ?? trimmed;
  return /^[A-Za-z0-9_-]{2,200}$/.test(id) ? id : null;
}

export function SurveysPage() {
  const { surveyId } = useParams();
  return <Page title="Surveys">{surveyId ? <SurveyForm key={surveyId} surveyId={surveyId} /> : <OpenInvitation />}</Page>;
}

function OpenInvitation() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const id = surveyIdFrom(text);
  return (
    <Card title="Answer a survey">
      <p>
        Surveys come as an invitation from the coalition or one of its partners, by e-mail or message. Open the invitation’s link, or paste
        it or the survey code here. Each survey pays its points once.
      </p>
      <form
        className="stack-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (id) navigate(`/member/surveys/${id}`);
        }}
      >
        <Field
          label="Survey link or code"
          name="survey"
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          required
        />
        <button type="submit" disabled={!id}>
          Open survey
        </button>
      </form>
    </Card>
  );
}

function SurveyForm({ surveyId }: { surveyId: string }) {
  const [recommend, setRecommend] = useState('');
  const [liked, setLiked] = useState('');
  const [improve, setImprove] = useState('');
  const [errors, setErrors] = useState<readonly UserErrorShape[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [earned, setEarned] = useState<{ points: number; balance: number | null } | null>(null);
  const [, submit] = useMutation(MemberSubmitSurvey);
  const { busy, run } = useAction();

  if (earned) {
    return (
      <Card title="Thank you">
        <Notice>
          Thanks for your answers: {formatPoints(earned.points)} added to your card.
          {earned.balance !== null && ` Your balance is now ${formatPoints(earned.balance)}.`}
        </Notice>
      </Card>
    );
  }

  const already = errors.some((e) => e.code === 'SURVEY_ALREADY_COMPLETED');
  const unknown = errors.some((e) => e.code === 'UNKNOWN_SURVEY');

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    const answers = [
      { question: SURVEY_QUESTIONS.recommend, answer: recommend },
      { question: SURVEY_QUESTIONS.liked, answer: liked.trim() },
      { question: SURVEY_QUESTIONS.improve, answer: improve.trim() },
    ].filter((a) => a.answer !== '');
    const request = { surveyId, answers };
    const result = await run(request, (idempotencyKey) => submit({ input: { ...request, idempotencyKey } }));
    if (!result) return;
    setFailure(result.error ? result.error.message.replace(/^\[(GraphQL|Network)\] /, '') : null);
    const answer = result.data?.submitSurvey;
    setErrors(answer?.userErrors ?? []);
    if (answer?.transaction) setEarned({ points: answer.transaction.points, balance: answer.member?.balance ?? null });
  }

  return (
    <Card title="Your feedback">
      {already && <Notice>You have already answered this survey, and its points are on your card. Thank you!</Notice>}
      {unknown && (
        <p className="error" role="alert">
          This survey is closed or the link is not right. Check the invitation.
        </p>
      )}
      {!already && !unknown && <UserErrors errors={errors} />}
      {!already && (
        <form className="stack-form" onSubmit={onSubmit}>
          <SelectField
            label={SURVEY_QUESTIONS.recommend}
            name="recommend"
            required
            value={recommend}
            onChange={(e) => setRecommend(e.target.value)}
            options={[
              { value: '', label: 'Choose…' },
              ...Array.from({ length: 11 }, (_, i) => ({ value: String(10 - i), label: String(10 - i) })),
            ]}
          />
          <TextArea label={SURVEY_QUESTIONS.liked} name="liked" maxLength={2000} value={liked} onChange={(e) => setLiked(e.target.value)} />
          <TextArea
            label={SURVEY_QUESTIONS.improve}
            name="improve"
            maxLength={2000}
            value={improve}
            onChange={(e) => setImprove(e.target.value)}
          />
          <button type="submit" disabled={busy || recommend === ''} aria-busy={busy}>
            {busy ? 'Sending…' : 'Send answers'}
          </button>
          {failure && (
            <p className="error" role="alert">
              {failure} — your answers were not sent; try again.
            </p>
          )}
        </form>
      )}
    </Card>
  );
}
