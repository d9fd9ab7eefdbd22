-- Members scored on recency, frequency and monetary value (quintiles, set-based) and named by
-- segment; the retention report reads it live and refreshSegments copies it into member_segments.
-- A quintile is ceil(5 x (members with a value <= it) / n) in integers, so ties share a score
-- (ntile would split equal members across two scores by an arbitrary order).
CREATE OR REPLACE FUNCTION coalition_rfm(p_partner bigint, p_as_of timestamp with time zone)
 RETURNS TABLE(member_id bigint, currency text, spend_minor bigint, recency integer, frequency integer, monetary integer, segment text)
 LANGUAGE sql
 STABLE
AS $function$
    WITH per_currency AS (
      SELECT p.member_id, p.currency::text AS currency, sum(p.amount_minor - p.returned_minor)::bigint AS spend,
             count(*) AS purchases, max(p.created_at) AS last_at, min(p.created_at) AS first_at
        FROM purchases p
       WHERE (p_partner IS NULL OR p.partner_id = p_partner) AND p.created_at <= p_as_of
       GROUP BY p.member_id, p.currency
    ), money AS (
      -- Monetary value is scored within each currency (amounts of two currencies never add up).
      SELECT c.*, ((5 * count(*) OVER (PARTITION BY c.currency ORDER BY c.spend) + count(*) OVER (PARTITION BY c.currency) - 1) / count(*) OVER (PARTITION BY c.currency))::integer AS m FROM per_currency c
    ), per_member AS (
      SELECT money.member_id, max(m) AS m, sum(purchases) AS purchases, max(last_at) AS last_at, min(first_at) AS first_at
        FROM money GROUP BY money.member_id
    ), scored AS (
      SELECT pm.member_id, pm.m, pm.first_at, ((5 * count(*) OVER ( ORDER BY pm.last_at) + count(*) OVER () - 1) / count(*) OVER ())::integer AS r, ((5 * count(*) OVER ( ORDER BY pm.purchases) + count(*) OVER () - 1) / count(*) OVER ())::integer AS f FROM per_member pm
    )
    SELECT money.member_id, money.currency, money.spend, s.r, s.f, s.m,
           CASE WHEN s.first_at > p_as_of - interval '30 days' THEN 'NEW'
                WHEN s.r >= 4 AND s.f >= 4 AND s.m >= 4 THEN 'CHAMPIONS'
                WHEN s.r >= 3 AND s.f >= 3 THEN 'LOYAL'
                WHEN s.r >= 3 THEN 'PROMISING'
                WHEN s.f >= 3 THEN 'AT_RISK'
                ELSE 'HIBERNATING' END
      FROM money JOIN scored s ON s.member_id = money.member_id
  $function$;
