// The status page's only script: live updates over server-sent events, without a reload. The page reads
// the same without it (server-rendered; a <noscript> refresh keeps it current).
(function () {
  'use strict';
  var main = document.getElementById('content');
  var live = document.getElementById('live');
  if (!main || !window.EventSource) { return; }
  var toggled = {};
  document.addEventListener('toggle', function (e) {
    if (e.target && e.target.id) { toggled[e.target.id] = e.target.open; }
  }, true);
  function mark(on) {
    if (!live) { return; }
    live.className = 'live ' + (on ? 'on' : 'off');
    live.textContent = live.getAttribute(on ? 'data-live' : 'data-reconnecting');
  }
  var source = new EventSource(main.getAttribute('data-events'));
  source.onopen = function () { mark(true); };
  source.onerror = function () { mark(false); };
  source.addEventListener('update', function (e) {
    var doc = new DOMParser().parseFromString(e.data, 'text/html');
    var next = doc.getElementById('content');
    if (!next) { return; }
    main.innerHTML = next.innerHTML;
    ['data-seq', 'data-verdict', 'data-title'].forEach(function (a) { main.setAttribute(a, next.getAttribute(a)); });
    document.title = next.getAttribute('data-title');
    Object.keys(toggled).forEach(function (id) {
      var d = document.getElementById(id);
      if (d) { d.open = toggled[id]; }
    });
    mark(true);
  });
})();
