/*
 * The clinic's chat widget: talks to Rasa's socket.io channel.
 *
 * - Every text is rendered as text (textContent, never innerHTML); a small safe
 *   subset of markdown is turned into elements: **bold**, "- " lists, and
 *   [links](url) or bare addresses with http(s), tel or mailto only.
 * - The conversation survives a page reload: the session id and the transcript
 *   are kept in sessionStorage (so they go when the tab is closed, which is
 *   kinder on a shared computer).
 * - Messages typed while the assistant cannot be reached are kept, shown as
 *   "not sent yet", and sent in order when the connection comes back.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-chat]");
  if (!root) {
    return;
  }
  var log = root.querySelector("[data-messages]");
  var statusLine = root.querySelector("[data-status]");
  var typing = root.querySelector("[data-typing]");
  var form = root.querySelector("[data-composer]");
  var input = form.querySelector("textarea");
  var hint = form.querySelector("[data-hint]");
  var restartButton = root.querySelector("[data-restart]");

  var SOURCES_LABEL = (root.dataset.sourcesLabel || "Sources") + ":";
  var EMERGENCY_MARKER = "\u26A0";
  var STORAGE_KEY = "vertebroplasty-chat";
  var MAX_TRANSCRIPT = 300;
  var TYPING_TIMEOUT_MS = 30000;
  var SAFE_LINK = /^(https?:\/\/|tel:|mailto:)/i;
  // the first message of a conversation starts the session (the assistant's
  // disclaimer) and is answered with the greeting and its topic buttons
  var OPENING_PAYLOAD = "/greet";

  var state = loadState();
  var connected = false;
  var typingTimer = null;

  // ---- storage ------------------------------------------------------------

  function loadState() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY));
      if (saved && Array.isArray(saved.transcript)) {
        return saved;
      }
    } catch (error) {
      // unreadable storage: start afresh
    }
    return { sessionId: null, transcript: [], nextId: 1, started: false };
  }

  function saveState() {
    state.transcript = state.transcript.slice(-MAX_TRANSCRIPT);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // storage full or disabled: the chat still works, it just won't survive a reload
    }
  }

  // ---- rendering ------------------------------------------------------------

  function appendInline(parent, text) {
    // **bold**, [text](url), bare URLs and email addresses; the rest is text
    var pattern = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?])|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        var strong = document.createElement("strong");
        strong.textContent = match[1];
        parent.appendChild(strong);
      } else if (match[2] !== undefined) {
        parent.appendChild(link(match[2], match[3]));
      } else if (match[4] !== undefined) {
        parent.appendChild(link(match[4], match[4]));
      } else {
        parent.appendChild(link(match[5], "mailto:" + match[5]));
      }
      last = pattern.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function link(label, href) {
    if (!SAFE_LINK.test(href)) {
      return document.createTextNode(label + " (" + href + ")");
    }
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = label;
    if (/^https?:/i.test(href)) {
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
    }
    return anchor;
  }

  function renderText(container, text) {
    var list = null;
    text.split("\n").forEach(function (line) {
      var item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
      if (item) {
        if (!list) {
          list = document.createElement(/^\s*\d/.test(line) ? "ol" : "ul");
          container.appendChild(list);
        }
        var li = document.createElement("li");
        appendInline(li, item[1]);
        list.appendChild(li);
        return;
      }
      list = null;
      if (line.trim()) {
        var paragraph = document.createElement("p");
        appendInline(paragraph, line);
        container.appendChild(paragraph);
      }
    });
  }

  function speaker(text) {
    var span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span;
  }

  function renderEntry(entry) {
    var bubble = document.createElement("div");
    bubble.dataset.entry = String(entry.id);
    var text = entry.text || "";
    if (entry.from === "user") {
      bubble.className = "msg user" + (entry.pending ? " pending" : "");
      bubble.appendChild(speaker("You said: "));
      renderText(bubble, text);
      if (entry.pending) {
        var note = document.createElement("span");
        note.className = "pending-note";
        note.textContent = "Not sent yet: it will be sent when the connection is back.";
        bubble.appendChild(note);
      }
    } else if (text.indexOf(SOURCES_LABEL) === 0) {
      bubble.className = "msg sources";
      renderText(bubble, text);
    } else if (text.indexOf(EMERGENCY_MARKER) === 0) {
      bubble.className = "msg emergency";
      bubble.setAttribute("role", "alert");
      bubble.appendChild(speaker("Urgent: "));
      renderText(bubble, text);
    } else {
      bubble.className = "msg bot";
      bubble.appendChild(speaker("Assistant said: "));
      renderText(bubble, text);
    }
    log.appendChild(bubble);
    if (entry.replies && entry.replies.length) {
      log.appendChild(renderReplies(entry));
    }
  }

  function renderReplies(entry) {
    var group = document.createElement("div");
    group.className = "replies";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    entry.replies.forEach(function (reply) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = reply.title;
      button.disabled = Boolean(entry.answered);
      button.addEventListener("click", function () {
        entry.answered = true;
        group.querySelectorAll("button").forEach(function (b) {
          b.disabled = true;
        });
        send(reply.title, reply.payload);
        input.focus();
      });
      group.appendChild(button);
    });
    return group;
  }

  function renderAll() {
    log.textContent = "";
    state.transcript.forEach(renderEntry);
    scrollToEnd();
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function addEntry(entry) {
    entry.id = state.nextId++;
    state.transcript.push(entry);
    saveState();
    renderEntry(entry);
    scrollToEnd();
    return entry;
  }

  function setStatus(text, offline) {
    statusLine.textContent = text;
    statusLine.classList.toggle("offline", Boolean(offline));
  }

  function showTyping(visible) {
    typing.hidden = !visible;
    window.clearTimeout(typingTimer);
    if (visible) {
      typingTimer = window.setTimeout(function () {
        typing.hidden = true;
      }, TYPING_TIMEOUT_MS);
    }
  }

  // ---- talking to the assistant ---------------------------------------------

  var socket = window.io(root.dataset.socketUrl, {
    transports: ["websocket"],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10000,
  });

  function emitMessage(message) {
    socket.emit("user_uttered", { message: message, session_id: state.sessionId });
    showTyping(true);
  }

  function send(shownText, payload) {
    // old quick replies are answered once the user says anything new
    state.transcript.forEach(function (entry) {
      if (entry.replies) {
        entry.answered = true;
      }
    });
    log.querySelectorAll(".replies button").forEach(function (b) {
      b.disabled = true;
    });
    var entry = addEntry({
      from: "user",
      text: shownText,
      message: payload || shownText,
      pending: !connected,
    });
    if (connected) {
      emitMessage(entry.message);
    } else {
      renderAll();
    }
  }

  function flushPending() {
    var sentAny = false;
    state.transcript.forEach(function (entry) {
      if (entry.from === "user" && entry.pending) {
        entry.pending = false;
        emitMessage(entry.message);
        sentAny = true;
      }
    });
    if (sentAny) {
      saveState();
      renderAll();
    }
  }

  socket.on("connect", function () {
    socket.emit("session_request", { session_id: state.sessionId });
  });

  socket.on("session_confirm", function (sessionId) {
    state.sessionId = typeof sessionId === "string" ? sessionId : state.sessionId;
    connected = true;
    setStatus("Connected.");
    if (!state.started) {
      // a new conversation opens with the disclaimer and a greeting
      state.started = true;
      emitMessage(OPENING_PAYLOAD);
    }
    saveState();
    flushPending();
  });

  socket.on("bot_uttered", function (message) {
    showTyping(false);
    if (!message || (!message.text && !message.quick_replies)) {
      return;
    }
    addEntry({
      from: "bot",
      text: message.text || "",
      replies: (message.quick_replies || message.buttons || []).map(function (r) {
        return { title: r.title, payload: r.payload };
      }),
    });
  });

  socket.on("disconnect", function () {
    connected = false;
    showTyping(false);
    setStatus("The connection was lost. Trying again…", true);
  });

  socket.on("connect_error", function () {
    connected = false;
    setStatus("The assistant can't be reached just now. Trying again…", true);
  });

  // ---- the form and controls ------------------------------------------------

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      hint.textContent = "Please type a question first.";
      hint.hidden = false;
      input.focus();
      return;
    }
    hint.hidden = true;
    input.value = "";
    send(text, null);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  restartButton.addEventListener("click", function () {
    if (!window.confirm("Start a new conversation? This one will be cleared.")) {
      return;
    }
    state.transcript = [];
    state.started = true;
    saveState();
    renderAll();
    if (connected) {
      emitMessage("/restart");
      emitMessage(OPENING_PAYLOAD);
    } else {
      state.started = false;
      saveState();
    }
    input.focus();
  });

  renderAll();
})();
