import { uniqueName } from './names';
import { TestClient } from './test-client';

/** The clients of one test: logged in under fresh names, all closed together afterwards. */
export class ClientPool {
  private readonly clients: TestClient[] = [];

  constructor(private readonly wsUrl: () => string) {}

  /** A client logged in as a fresh name starting with `prefix` (opted in to resume, or not), and that name. */
  async login(prefix: string, { resume = false } = {}): Promise<readonly [TestClient, string]> {
    const name = uniqueName(prefix);
    return [this.track(await TestClient.loggedIn(this.wsUrl(), name, { resume })), name];
  }

  /** Closes `client` with the others. */
  track(client: TestClient): TestClient {
    this.clients.push(client);
    return client;
  }

  closeAll(): void {
    this.clients.splice(0).forEach((client) => client.close());
  }
}
