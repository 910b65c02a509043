// oidc-provider's storage for the test provider: one in-process Map shared by every Provider
// instance the process builds (a key rotation builds a new one), and open to the admin calls.
const entries = new Map();

const now = () => Math.floor(Date.now() / 1000);
const keyOf = (model, id) => `${model}:${id}`;

export class MemoryStore {
  constructor(model) {
    this.model = model;
  }

  async upsert(id, payload, expiresIn) {
    entries.set(keyOf(this.model, id), { payload: { ...payload }, expiresAt: expiresIn ? now() + expiresIn : Infinity });
  }

  async find(id) {
    const entry = entries.get(keyOf(this.model, id));
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(keyOf(this.model, id));
      return undefined;
    }
    return { ...entry.payload };
  }

  async findByUid(uid) {
    return this.findWhere((payload) => payload.uid === uid);
  }

  async findByUserCode(userCode) {
    return this.findWhere((payload) => payload.userCode === userCode);
  }

  async consume(id) {
    const entry = entries.get(keyOf(this.model, id));
    if (entry) entry.payload.consumed = now();
  }

  async destroy(id) {
    entries.delete(keyOf(this.model, id));
  }

  async revokeByGrantId(grantId) {
    for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
  }

  findWhere(matches) {
    for (const [key, entry] of entries) {
      if (key.startsWith(`${this.model}:`) && matches(entry.payload)) return this.find(key.slice(this.model.length + 1));
    }
    return undefined;
  }

  /** Sets every stored `model` token's expiry in the past (the provider then refuses it as expired); returns how many. */
  static expireAll(model) {
    let count = 0;
    for (const [key, entry] of entries) {
      if (!key.startsWith(`${model}:`)) continue;
      entry.payload.exp = now() - 1;
      count += 1;
    }
    return count;
  }

  /** Forgets every stored `model` entry; returns how many. */
  static removeAll(model) {
    let count = 0;
    for (const key of [...entries.keys()]) {
      if (key.startsWith(`${model}:`)) count += Number(entries.delete(key));
    }
    return count;
  }
}
