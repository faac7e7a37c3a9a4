// Stands in for VS Code's webview API in the harness page. Messages the panel posts are
// recorded in window.__sent; the harness plays the host with window.postMessage(...).
window.__sent = [];
window.__violations = [];
let state;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__sent.push(m),
  getState: () => state,
  setState: (s) => {
    state = s;
  },
});
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
