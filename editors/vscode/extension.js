// Starts `mandate lsp` for .policy files. Everything else (diagnostics,
// hover, navigation, completion, formatting, quick fixes) is the server's.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("mandate").get("path", "mandate");
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "mandate",
    "mandate",
    { run, debug: run },
    {
      documentSelector: [{ scheme: "file", language: "policy" }, { scheme: "untitled", language: "policy" }],
      // Files changed outside the editor (git checkout, `mandate fmt`)
      // are read again.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.policy") },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
