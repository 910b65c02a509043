import { Controller, DynamicModule, Get, Header, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `nx build web` puts the app, seen from the server bundle in dist/apps/server. */
export function defaultWebRoot(): string {
  return resolve(__dirname, '..', 'web', 'browser');
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Duet</title></head>
<body><h1>Duet</h1><p>The signaling server is running at <code>/ws</code>, but the web app is not built.
Run <code>npm start</code>, or <code>npx nx build web</code> and restart.</p></body></html>`;

@Controller()
class WebAppMissingController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  placeholder(): string {
    return PLACEHOLDER;
  }
}

/** Serves the built Angular app at `/` (with SPA fallback), or a page that says how to build it. */
@Module({})
export class WebHostModule {
  static forRoot(webRoot: string = defaultWebRoot()): DynamicModule {
    if (!existsSync(join(webRoot, 'index.html'))) {
      new Logger(WebHostModule.name).warn(`no web app at ${webRoot}; serving a placeholder page`);
      return { module: WebHostModule, controllers: [WebAppMissingController] };
    }
    return { module: WebHostModule, imports: [ServeStaticModule.forRoot({ rootPath: webRoot })] };
  }
}
