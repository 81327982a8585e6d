import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  USAGE_DAY_SECONDS,
  USAGE_MONTH_SECONDS,
  assertUsageDay,
  chatOf,
  usageMonth,
  type SessionRef,
  type UsageCharge,
  type UsageTotals,
} from '../../core/memory-port.js';

/**
 * The settings part of the SQLite store (schema version 3): chats' personas, people's model
 * choices per session and their usage counters, with the Redis store's semantics, run inside
 * the store's transactions.
 */

type Person = Pick<SessionRef, 'platform' | 'userId'>;

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

export function prepareSettingsStatements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  return {
    persona: p('SELECT persona FROM chat_personas WHERE chat_id = ?'),
    setPersona: p(
      `INSERT INTO chat_personas (chat_id, persona, updated_at) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET persona = excluded.persona, updated_at = excluded.updated_at`,
    ),
    removePersona: p('DELETE FROM chat_personas WHERE chat_id = ?'),
    model: p(
      `SELECT model FROM model_choices
       WHERE platform = ? AND user_id = ? AND session_id = ? AND ${LIVE}`,
    ),
    setModel: p(
      `INSERT INTO model_choices (platform, user_id, session_id, model, expires_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET model = excluded.model, expires_at = excluded.expires_at`,
    ),
    removeModel: p(
      'DELETE FROM model_choices WHERE platform = ? AND user_id = ? AND session_id = ?',
    ),
    /** Slides the expiry of all the person's choices, as each of their turns does. */
    touchModels: p('UPDATE model_choices SET expires_at = ? WHERE platform = ? AND user_id = ?'),
    forgetModels: p('DELETE FROM model_choices WHERE platform = ? AND user_id = ?'),
    counted: p(
      `SELECT tokens FROM usage
       WHERE platform = ? AND user_id = ? AND period = ? AND expires_at > ?`,
    ),
    /** Adds to a live counter, or starts one over an expired row. */
    count: p(
      `INSERT INTO usage (platform, user_id, period, tokens, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT DO UPDATE SET
        tokens = CASE WHEN usage.expires_at > ?6 THEN usage.tokens + ?4 ELSE ?4 END,
        expires_at = ?5`,
    ),
    sweepModels: p('DELETE FROM model_choices WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    sweepUsage: p('DELETE FROM usage WHERE expires_at <= ?'),
  };
}

export type SettingsStatements = ReturnType<typeof prepareSettingsStatements>;

export function personaOf(t: SettingsStatements, session: SessionRef): string | undefined {
  const row = t.persona.get(chatOf(session)) as { persona: string } | undefined;
  return row?.persona;
}

export function savePersona(
  t: SettingsStatements,
  session: SessionRef,
  persona: string | undefined,
  now: number,
): void {
  if (persona === undefined) t.removePersona.run(chatOf(session));
  else t.setPersona.run(chatOf(session), persona, now);
}

export function modelOf(t: SettingsStatements, session: SessionRef, now: number) {
  const row = t.model.get(session.platform, session.userId, session.id, now) as
    { model: string } | undefined;
  return row?.model;
}

/** Sets or removes the choice; a set one slides the expiry of all the person's choices. */
export function saveModel(
  t: SettingsStatements,
  session: SessionRef,
  model: string | undefined,
  expiresAt: number | null,
): void {
  const person = [session.platform, session.userId] as const;
  if (model === undefined) {
    t.removeModel.run(...person, session.id);
    return;
  }
  t.setModel.run(...person, session.id, model, expiresAt);
  t.touchModels.run(expiresAt, ...person);
}

/** Tokens counted for the person in a day (checked) or a month. */
export function counted(t: SettingsStatements, person: Person, period: string, now: number) {
  if (!/^\d{4}-\d{2}$/.test(period)) assertUsageDay(period);
  const row = t.counted.get(person.platform, person.userId, period, now) as
    { tokens: number } | undefined;
  return row?.tokens ?? 0;
}

export function usageOf(
  t: SettingsStatements,
  person: Person,
  day: string,
  now: number,
): UsageTotals {
  assertUsageDay(day);
  return { day: counted(t, person, day, now), month: counted(t, person, usageMonth(day), now) };
}

/** Adds a charge to the person's day and month counters (nothing without one). */
export function addUsage(
  t: SettingsStatements,
  person: Person,
  charge: UsageCharge | undefined,
  now: number,
): void {
  if (!charge) return;
  assertUsageDay(charge.day);
  const tokens = Math.round(charge.tokens);
  if (tokens <= 0) return;
  const key = [person.platform, person.userId] as const;
  t.count.run(...key, charge.day, tokens, now + USAGE_DAY_SECONDS * 1000, now);
  t.count.run(...key, usageMonth(charge.day), tokens, now + USAGE_MONTH_SECONDS * 1000, now);
}
