/**
 * Strings that would run script (setting `window.__xss`) or navigate if a client rendered them as
 * HTML or trusted their URLs. Each must show up as inert text.
 */
export const XSS_PAYLOADS: readonly string[] = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss=2">',
  '<svg onload=window.__xss=3>',
  '<iframe src="javascript:window.__xss=4"></iframe>',
  '"><img src=x onerror=window.__xss=5>',
  '<a href="javascript:window.__xss=6">click me</a>',
  '[click me](javascript:window.__xss=7)',
  '[click me](JaVaScRiPt:window.__xss=8)',
  '[click me](  javascript:window.__xss=9)',
  '[data link](data:text/html,<script>window.__xss=10</script>)',
  '<javascript:window.__xss=11>',
  '[x](https://example.com/"onmouseover="window.__xss=12)',
  '**<img src=x onerror=window.__xss=13>**',
  '`<img src=x onerror=window.__xss=14>`',
  '```html\n<script>window.__xss=15</script>\n```',
  '> <details open ontoggle=window.__xss=16>',
  'https://example.com/<script>window.__xss=17</script>',
  '<style>*{display:none}</style><math><mi xlink:href="javascript:window.__xss=18">x</mi></math>',
  '&lt;img src=x onerror=window.__xss=19&gt;',
  '<@1><img src=x onerror=window.__xss=20>',
  '[vb](vbscript:msgbox(21))',
  '<object data="javascript:window.__xss=22"></object>',
];

/** Short payloads for fields with small limits (names: 32 characters). */
export const SHORT_PAYLOADS: readonly string[] = [
  '<img src=x onerror=__xss=30>',
  '<svg onload=window.__xss=31>',
  '<script>__xss=32</script>',
];
