/*
 * Romotica live-chat widget. One line on any website:
 *   <script src="https://SERVER/widget.js" defer></script>
 * adds a round chat button (bottom right) that opens a panel with the chat page of SERVER
 * (/chat?embed=1&lang=<language>) in an iframe. The language (tr or en) is the script tag's data-lang
 * attribute if it names one (<script src="…/widget.js" data-lang="en" defer>), else the host page's
 * <html lang>; with neither, no lang is passed and the chat page follows the visitor's own choice or
 * browser language (so does the button's label here). Button and panel live in a closed shadow root
 * of a <romotica-widget> element, with their own styles, so the host page's CSS does not reach them and
 * ours does not leak out. The iframe itself is the host element's one light-DOM child, slotted into the
 * panel: its document is isolated anyway (another origin), and this way it is an ordinary frame of the
 * page (window.frames, WebDriver's switchTo().frame(0)); the slot styles are !important so host CSS for
 * iframes does not change it. The only global is window.RomoticaWidget = {open, close}.
 * The panel and the chat page talk with postMessage, checked on both sides: the page says "close" (Escape)
 * and how many agent messages are unread; the widget says whether the panel is open (read receipts are
 * sent only while it is).
 * This file is a classic script (document.currentScript names the server), not a module.
 */
(function () {
  'use strict';

  if (window.RomoticaWidget) return; // included twice: the first copy wins

  var script = document.currentScript;
  if (!script || !script.src) return;
  var SERVER = new URL(script.src).origin;

  // The widget.* entries of i18n/tr.json and i18n/en.json (this file cannot load them from another
  // origin); keep them the same.
  var STRINGS = {
    tr: {
      'widget.open': 'Canlı desteği aç',
      'widget.close': 'Canlı desteği kapat',
      'widget.title': 'Canlı destek',
      'widget.unread': '{count} okunmamış mesaj'
    },
    en: {
      'widget.open': 'Open live chat',
      'widget.close': 'Close live chat',
      'widget.title': 'Live chat',
      'widget.unread': '{count} unread messages'
    }
  };

  /** tr or en from a language tag such as "en-GB"; null when it names neither. */
  function supported(value) {
    var tag = String(value || '').trim().toLowerCase();
    if (tag === 'tr' || tag.indexOf('tr-') === 0) return 'tr';
    if (tag === 'en' || tag.indexOf('en-') === 0) return 'en';
    return null;
  }

  /** The site's choice: the script tag's data-lang, else the host page's <html lang>; null when neither. */
  function siteLanguage() {
    return supported(script.getAttribute('data-lang')) || supported(document.documentElement.getAttribute('lang'));
  }

  function browserLanguage() {
    var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < prefs.length; i++) {
      var tag = String(prefs[i]).toLowerCase();
      if (tag.indexOf('tr') === 0) return 'tr';
      if (tag.indexOf('en') === 0) return 'en';
    }
    return 'en';
  }

  var CSS = [
    ':host { all: initial; }',
    '*, *::before, *::after { box-sizing: border-box; }',
    '[hidden] { display: none !important; }',
    '.launcher {',
    '  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;',
    '  display: grid; place-items: center; width: 60px; height: 60px; margin: 0; padding: 0;',
    '  border: 0; border-radius: 50%; background: #0b6e6b; color: #fff; cursor: pointer;',
    '  box-shadow: 0 6px 20px rgba(16, 24, 32, 0.25), 0 2px 6px rgba(16, 24, 32, 0.15);',
    '  transition: transform 140ms, background-color 140ms;',
    '}',
    '.launcher:hover { background: #085a57; transform: scale(1.04); }',
    '.launcher:focus { outline: none; }',
    '.launcher:focus-visible { outline: 3px solid #fff; box-shadow: 0 0 0 6px #0b6e6b; }',
    '.launcher svg { width: 28px; height: 28px; fill: none; stroke: currentColor; stroke-width: 2;',
    '  stroke-linecap: round; stroke-linejoin: round; }',
    '.badge {',
    '  position: absolute; top: -2px; right: -2px; min-width: 22px; height: 22px; padding: 0 6px;',
    '  border: 2px solid #fff; border-radius: 11px; background: #b42318; color: #fff;',
    '  font: 700 12px/18px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; text-align: center;',
    '}',
    '.panel {',
    '  position: fixed; right: 20px; bottom: 92px; z-index: 2147483000;',
    '  width: 380px; height: 600px; max-width: calc(100vw - 40px); max-height: calc(100vh - 112px);',
    '  overflow: hidden; border-radius: 14px; background: #fff;',
    '  box-shadow: 0 12px 40px rgba(16, 24, 32, 0.22), 0 2px 8px rgba(16, 24, 32, 0.12);',
    '}',
    '.panel slot { display: block; width: 100%; height: 100%; }',
    '::slotted(iframe) { display: block !important; width: 100% !important; height: 100% !important;',
    '  min-width: 0 !important; max-width: none !important; min-height: 0 !important; max-height: none !important;',
    '  margin: 0 !important; padding: 0 !important; border: 0 !important; border-radius: 0 !important;',
    '  background: #fff !important; box-shadow: none !important; position: static !important;',
    '  visibility: visible !important; opacity: 1 !important; transform: none !important; }',
    '.close {',
    '  position: absolute; top: 8px; right: 8px; display: grid; place-items: center;',
    '  width: 40px; height: 40px; margin: 0; padding: 0; border: 0; border-radius: 8px;',
    '  background: transparent; color: #56626f; cursor: pointer;',
    '}',
    '.close:hover { background: #f3f5f7; color: #17212b; }',
    '.close:focus { outline: none; }',
    '.close:focus-visible { outline: 2px solid #0b6e6b; outline-offset: -2px; }',
    '.close svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2;',
    '  stroke-linecap: round; }',
    '.sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden;',
    '  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }',
    '@media (max-width: 479.98px) {',
    '  .panel { top: 0; right: 0; bottom: 0; left: 0; width: 100%; height: 100%;',
    '    max-width: none; max-height: none; border-radius: 0; }',
    '  .launcher.is-open { display: none; }',
    '}',
    '@media (prefers-reduced-motion: reduce) { .launcher { transition: none; } }',
    '@media print { .launcher, .panel { display: none !important; } }'
  ].join('\n');

  var SVG = 'http://www.w3.org/2000/svg';

  function svgIcon(paths) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    for (var i = 0; i < paths.length; i++) {
      var p = document.createElementNS(SVG, 'path');
      p.setAttribute('d', paths[i]);
      svg.appendChild(p);
    }
    return svg;
  }

  var CHAT_ICON = ['M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z'];
  var CLOSE_ICON = ['M18 6L6 18', 'M6 6l12 12'];

  var host;
  var launcher;
  var badge;
  var unreadText;
  var panel;
  var frame = null;
  var isOpen = false;
  var lang = siteLanguage() || browserLanguage();

  function text(key, count) {
    var s = (STRINGS[lang] || STRINGS.en)[key];
    return count === undefined ? s : s.replace('{count}', String(count));
  }

  function build() {
    host = document.createElement('romotica-widget');
    var root = host.attachShadow({ mode: 'closed' });
    var style = document.createElement('style');
    style.textContent = CSS;

    launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.className = 'launcher';
    launcher.setAttribute('aria-label', text('widget.open'));
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'romotica-panel');
    launcher.appendChild(svgIcon(CHAT_ICON));
    badge = document.createElement('span');
    badge.className = 'badge';
    badge.setAttribute('aria-hidden', 'true');
    badge.hidden = true;
    launcher.appendChild(badge);
    unreadText = document.createElement('span');
    unreadText.id = 'romotica-unread';
    unreadText.className = 'sr';
    launcher.setAttribute('aria-describedby', 'romotica-unread');
    launcher.addEventListener('click', function () {
      if (isOpen) close();
      else open();
    });

    panel = document.createElement('div');
    panel.id = 'romotica-panel';
    panel.className = 'panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', text('widget.title'));
    panel.hidden = true;
    panel.appendChild(document.createElement('slot'));
    var closeBtn = document.createElement('button');
    closeBtn.type = 'button';
    closeBtn.className = 'close';
    closeBtn.setAttribute('aria-label', text('widget.close'));
    closeBtn.appendChild(svgIcon(CLOSE_ICON));
    closeBtn.addEventListener('click', function () { close(); });
    panel.appendChild(closeBtn);
    panel.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape') close();
    });

    root.appendChild(style);
    root.appendChild(unreadText);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(host);
  }

  function chatUrl() {
    var url = SERVER + '/chat?embed=1';
    var siteLang = siteLanguage();
    if (siteLang) url += '&lang=' + encodeURIComponent(siteLang);
    return url;
  }

  function ensureFrame() {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.src = chatUrl();
    frame.title = text('widget.title');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    // The chat page may ask for the microphone (voice messages, calls), the camera and the screen (calls)
    // and show videos full screen.
    frame.setAttribute('allow', 'microphone; camera; display-capture; fullscreen; autoplay');
    frame.addEventListener('load', tellPanelState);
    // Shown through the panel's slot; the close button stays on top of it (the chat page leaves room
    // for it in its header).
    host.appendChild(frame);
  }

  function tellPanelState() {
    if (frame && frame.contentWindow) {
      frame.contentWindow.postMessage({ type: 'romotica.panel', open: isOpen }, SERVER);
    }
  }

  function open() {
    if (!host) return;
    ensureFrame();
    isOpen = true;
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.classList.add('is-open');
    setUnread(0);
    tellPanelState();
    frame.focus();
  }

  function close() {
    if (!host || !isOpen) return;
    isOpen = false;
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.classList.remove('is-open');
    tellPanelState();
    launcher.focus();
  }

  function setUnread(count) {
    var n = isOpen ? 0 : count;
    badge.hidden = !(n > 0);
    badge.textContent = n > 0 ? String(n) : '';
    unreadText.textContent = n > 0 ? text('widget.unread', n) : '';
  }

  window.addEventListener('message', function (ev) {
    // Only our own chat page in our own frame may talk to the widget.
    if (!frame || ev.source !== frame.contentWindow || ev.origin !== SERVER || !ev.data) return;
    if (ev.data.type === 'romotica.close') close();
    else if (ev.data.type === 'romotica.unread' && typeof ev.data.count === 'number') setUnread(ev.data.count);
  });

  window.RomoticaWidget = Object.freeze({ open: open, close: close });

  if (document.body) build();
  else document.addEventListener('DOMContentLoaded', build);
})();
