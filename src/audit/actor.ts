/**
 * Who did something, as the audit log and the exception store record it. Services take an explicit
 * actor instead of reading a request context, so jobs, the CLI and HTTP controllers call them alike.
 * The user, system and partner shapes match the gateway's principals, so a principal can be passed as
 * an actor as it is.
 */
export type Actor =
  | { readonly kind: 'user'; readonly userId: string; readonly email: string }
  | { readonly kind: 'system'; readonly clientId: string; readonly name: string }
  | { readonly kind: 'partner'; readonly partnerId: string; readonly credentialId: string }
  | { readonly kind: 'cli'; readonly name: string }
  /** The gateway itself, for what it does automatically (raising an exception, routing it). */
  | { readonly kind: 'gateway' };

export type ActorKind = Actor['kind'];

export const ACTOR_KINDS: readonly ActorKind[] = ['user', 'system', 'partner', 'cli', 'gateway'];

export const GATEWAY_ACTOR: Actor = { kind: 'gateway' };

/** A line a person reads in the audit log or an exception's history. */
export function describeActor(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user ${actor.email}`;
    case 'system':
      return `system client ${actor.name}`;
    case 'partner':
      return `partner ${actor.partnerId} (credential ${actor.credentialId})`;
    case 'cli':
      return `cli ${actor.name}`;
    case 'gateway':
      return 'gateway';
  }
}

/**
 * The stable id stored beside the kind, which queries filter on: the user's, the client's, the
 * partner credential's, the operator's name. The gateway has none.
 */
export function actorId(actor: Actor): string | null {
  switch (actor.kind) {
    case 'user':
      return actor.userId;
    case 'system':
      return actor.clientId;
    case 'partner':
      return actor.credentialId;
    case 'cli':
      return actor.name;
    case 'gateway':
      return null;
  }
}

/** The partner an actor acts for, when it is a partner credential; users' partners live in the directory. */
export function actorPartner(actor: Actor): string | null {
  return actor.kind === 'partner' ? actor.partnerId : null;
}

/** Returns what is wrong with an actor built from untyped input (a CLI flag, a job payload), or null. */
export function actorProblem(actor: Actor): string | null {
  const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';
  switch (actor?.kind) {
    case 'user':
      return blank(actor.userId) || blank(actor.email) ? 'a user actor needs userId and email' : null;
    case 'system':
      return blank(actor.clientId) || blank(actor.name) ? 'a system actor needs clientId and name' : null;
    case 'partner':
      return blank(actor.partnerId) || blank(actor.credentialId)
        ? 'a partner actor needs partnerId and credentialId'
        : null;
    case 'cli':
      return blank(actor.name) ? 'a cli actor needs a name' : null;
    case 'gateway':
      return null;
    default:
      return `unknown actor kind ${JSON.stringify((actor as { kind?: unknown } | undefined)?.kind)}`;
  }
}
