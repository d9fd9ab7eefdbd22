-- New categories are created on first use; an exclusive category admits one active partner.
-- Locking the category row serialises concurrent onboardings into it.
CREATE OR REPLACE FUNCTION coalition_partner_category_rules()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
   DECLARE v_exclusive boolean;
   BEGIN
     INSERT INTO partner_categories (code) VALUES (NEW.category) ON CONFLICT DO NOTHING;
     SELECT exclusive INTO v_exclusive FROM partner_categories WHERE code = NEW.category FOR UPDATE;
     IF v_exclusive AND NEW.active AND EXISTS (
          SELECT 1 FROM partners WHERE category = NEW.category AND active AND id IS DISTINCT FROM NEW.id) THEN
       PERFORM ledger_refuse('CATEGORY_EXCLUSIVE', format('Category "%s" is exclusive and already has an active partner', NEW.category));
     END IF;
     RETURN NEW;
   END $function$;

CREATE OR REPLACE FUNCTION partners_compete(p_a bigint, p_b bigint)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
     SELECT p_a <> p_b AND (
       (SELECT category FROM partners WHERE id = p_a) = (SELECT category FROM partners WHERE id = p_b)
       OR EXISTS (SELECT 1 FROM competitor_pairs WHERE partner_a = least(p_a, p_b) AND partner_b = greatest(p_a, p_b)))
   $function$;

-- After categories or competitor pairs change, a reward whose sponsor now competes with its
-- fulfiller is taken out of the catalogue, not silently kept.
CREATE OR REPLACE FUNCTION coalition_deactivate_competing_rewards()
 RETURNS integer
 LANGUAGE sql
AS $function$
     WITH changed AS (
       UPDATE rewards SET active = false, deactivated_reason = 'COMPETITOR_NOT_ALLOWED: sponsor and fulfilling partner now compete'
        WHERE active AND partners_compete(sponsored_by, fulfilled_by) RETURNING 1)
     SELECT count(*)::integer FROM changed
   $function$;

-- Category and competitor changes, each followed by withdrawing rewards that now pair competitors.
CREATE OR REPLACE FUNCTION coalition_set_partner_category(p_partner bigint, p_category text)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
   BEGIN
     UPDATE partners SET category = p_category WHERE id = p_partner;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_PARTNER', 'No such partner'); END IF;
     RETURN coalition_deactivate_competing_rewards();
   END $function$;

CREATE OR REPLACE FUNCTION coalition_add_competitors(p_a bigint, p_b bigint)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
   BEGIN
     IF p_a = p_b OR (SELECT count(*) FROM partners WHERE id IN (p_a, p_b)) <> 2 THEN
       PERFORM ledger_refuse('UNKNOWN_PARTNER', 'Two different existing partners are needed');
     END IF;
     INSERT INTO competitor_pairs (partner_a, partner_b) VALUES (least(p_a, p_b), greatest(p_a, p_b)) ON CONFLICT DO NOTHING;
     RETURN coalition_deactivate_competing_rewards();
   END $function$;

CREATE OR REPLACE FUNCTION coalition_set_category_exclusive(p_category text, p_exclusive boolean)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
   BEGIN
     INSERT INTO partner_categories (code) VALUES (p_category) ON CONFLICT DO NOTHING;
     PERFORM 1 FROM partner_categories WHERE code = p_category FOR UPDATE;
     IF p_exclusive AND (SELECT count(*) FROM partners WHERE category = p_category AND active) > 1 THEN
       PERFORM ledger_refuse('CATEGORY_EXCLUSIVE', format('Category "%s" has several active partners already', p_category));
     END IF;
     UPDATE partner_categories SET exclusive = p_exclusive WHERE code = p_category;
   END $function$;

CREATE OR REPLACE FUNCTION coalition_member_by_card(p_card text)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE
AS $function$
   DECLARE v_member bigint;
   BEGIN
     SELECT id INTO v_member FROM members WHERE card_number = p_card;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_MEMBER', format('No member with card number "%s"', p_card)); END IF;
     RETURN v_member;
   END $function$;

CREATE OR REPLACE TRIGGER partners_category_rules BEFORE INSERT OR UPDATE OF category, active ON partners FOR EACH ROW EXECUTE FUNCTION coalition_partner_category_rules();
