// The test provider's two pages, plain HTML a browser test fills as a person would.

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
    `<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

/** Sign in with any password (the login names the account); Cancel answers the client access_denied. */
export function loginPage(uid, clientId, error) {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  return page(
    'Test company sign-in',
    `<p>Signing in to ${escape(clientId)}.</p>` +
      (error ? `<p role="alert">${escape(error)}</p>` : '') +
      `<form method="post" action="${action}/login" autocomplete="off">` +
      '<label>Name <input name="login" autofocus></label> ' +
      '<label>Password <input name="password" type="password"></label> ' +
      '<button type="submit">Sign in</button> ' +
      `<button type="submit" formaction="${action}/abort">Cancel</button>` +
      '</form>',
  );
}

/**
 * RP-initiated log-out. With an id_token_hint it confirms itself, as Keycloak and Entra do for a
 * client that proves who is signing out; without one a person answers the question.
 */
export async function logoutPage(ctx, form) {
  const confirmAtOnce = Boolean(ctx.oidc.params.id_token_hint);
  ctx.type = 'html';
  ctx.body = page(
    'Sign out',
    form +
      '<button type="submit" form="op.logoutForm" name="logout" value="yes" id="confirm">Yes, sign me out</button> ' +
      '<button type="submit" form="op.logoutForm">No, stay signed in</button>' +
      (confirmAtOnce ? '<script>document.getElementById("confirm").click()</script>' : ''),
  );
}
