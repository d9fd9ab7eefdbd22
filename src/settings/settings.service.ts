import type { DataSource } from 'typeorm';
import { BusinessError, CommonErrorCode } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { sqlState } from '../database/postgres-errors';
import { CoalitionSettings, UpdateCoalitionSettingsInput } from './settings.types';

const COLUMNS: Record<keyof UpdateCoalitionSettingsInput, string> = {
  timeZone: 'time_zone',
  expiryMonths: 'expiry_months',
  birthdayBonusPoints: 'birthday_bonus_points',
  referralBonusPoints: 'referral_bonus_points',
  tierWindowDays: 'tier_window_days',
  giftCardValidityMonths: 'gift_card_validity_months',
  milesHoldMinutes: 'miles_hold_minutes',
  giftCardAttemptsPerMinute: 'gift_card_attempts_per_minute',
};

interface Row {
  time_zone: string;
  expiry_months: number;
  birthday_bonus_points: string;
  referral_bonus_points: string;
  tier_window_days: number;
  gift_card_validity_months: number;
  miles_hold_minutes: number;
  gift_card_attempts_per_minute: number;
}

function toSettings(r: Row): CoalitionSettings {
  return Object.assign(new CoalitionSettings(), {
    timeZone: r.time_zone,
    expiryMonths: r.expiry_months,
    birthdayBonusPoints: BigInt(r.birthday_bonus_points),
    referralBonusPoints: BigInt(r.referral_bonus_points),
    tierWindowDays: r.tier_window_days,
    giftCardValidityMonths: r.gift_card_validity_months,
    milesHoldMinutes: r.miles_hold_minutes,
    giftCardAttemptsPerMinute: r.gift_card_attempts_per_minute,
  });
}

export class SettingsService {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<CoalitionSettings> {
    const [row] = await queryRows<Row>(this.dataSource, 'SELECT * FROM coalition_settings');
    return toSettings(row);
  }

  /** Changes only what is given. Ranges are the table's CHECK constraints; a zone must be one PostgreSQL knows. */
  async update(input: UpdateCoalitionSettingsInput): Promise<CoalitionSettings> {
    const given = (Object.keys(COLUMNS) as (keyof UpdateCoalitionSettingsInput)[]).filter((k) => input[k] != null);
    if (input.timeZone != null) {
      const [{ known }] = await queryRows<{ known: boolean }>(
        this.dataSource,
        'SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known',
        [input.timeZone],
      );
      if (!known) throw new BusinessError(CommonErrorCode.INVALID_INPUT, `Unknown time zone "${input.timeZone}"`, ['input', 'timeZone']);
    }
    if (given.length === 0) return this.get();
    const sets = given.map((k, i) => `${COLUMNS[k]} = $${i + 1}`).join(', ');
    try {
      const [row] = await queryRows<Row>(
        this.dataSource,
        `UPDATE coalition_settings SET ${sets} RETURNING *`,
        given.map((k) => input[k]),
      );
      return toSettings(row);
    } catch (err) {
      if (sqlState(err) === '23514') {
        throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'A setting is out of its allowed range', ['input']);
      }
      throw err;
    }
  }
}
