// The web chat: play the sandbox's demo people against the bot, through the control API only.
// Everything is built with createElement/textContent: no innerHTML, so nothing a message says can run.
"use strict";

const API = "/sandbox/api";
const POLL_MS = 1000;
const CHATS_EVERY = 3; // refresh the chat list on every third poll
const $ = (selector) => document.querySelector(selector);

const state = {
  users: [],
  bot: null,
  me: null,
  chats: [],
  chatId: null,
  messages: new Map(), // message_id -> message, for the open chat
  nodes: new Map(), // message_id -> {sig, node}
  replyTo: null,
  autoReplied: new Set(), // "person:chat:message" of ForceReply questions already offered once
  notes: new Map(), // "chat:message" -> a note on a message this page sent
  drafts: new Map(), // "person:chat" -> unsent text
  botBusy: false,
  atBottom: true, // whether the person is reading the newest messages (then new ones scroll into view)
  polls: 0,
  requestsSeen: 0, // how much of the bot's request log this page has read
  polling: false,
};

// ---- the control API -------------------------------------------------------------------------

class ApiError extends Error {}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(API + path, init);
  } catch {
    throw new ApiError("连接不上沙盒服务，请确认 zhikong sandbox 还在运行。/ Can't reach the sandbox: is `zhikong sandbox` still running?");
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const reason = data && data.error ? data.error : `HTTP ${response.status}`;
    throw new ApiError(`操作没有成功 / That didn't work: ${reason}`);
  }
  return data;
}

// Waits until the bot has handled everything; a bot still busy after 5 s is no error (polling catches up).
async function settle() {
  state.botBusy = true;
  renderChatHead();
  try {
    await api("/settle", {timeout: 5});
  } catch {
    // the next poll shows whatever the bot did
  } finally {
    state.botBusy = false;
    renderChatHead();
  }
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- small helpers ---------------------------------------------------------------------------

// Replaces an element's children only when what they show changed, so a poll never swallows a click.
function renderInto(el, data, build) {
  const sig = JSON.stringify(data);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  el.replaceChildren(...build());
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false && c !== ""));
  return el;
}

function fullName(user) {
  return user.last_name ? `${user.first_name} ${user.last_name}` : user.first_name;
}

function avatar(name, id, extra = "") {
  const hue = (Math.abs(Number(id)) * 47) % 360;
  const el = h("span", {class: `avatar ${extra}`, "aria-hidden": "true"}, Array.from(name || "?")[0]);
  el.style.setProperty("--hue", String(hue));
  return el;
}

function when(unixSeconds) {
  const date = new Date(unixSeconds * 1000);
  const time = date.toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit"});
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.getMonth() + 1}月${date.getDate()}日 ${time}`;
}

function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return ["http:", "https:", "mailto:", "tg:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

function snippet(m) {
  if (m.service) return serviceText(m);
  const text = m.text || m.caption || "";
  const file = m.document ? `[${m.document.file_name}] ` : m.photo ? "[图片 / photo] " : "";
  const line = (file + text).replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

function serviceText(m) {
  const s = m.service;
  const actor = m.sender.name;
  if (s.new_chat_members) {
    const names = s.new_chat_members.map((u) => u.name).join("、");
    if (s.new_chat_members.length === 1 && s.new_chat_members[0].id === m.sender.id) return `${names} 加入了群 / joined`;
    return `${actor} 把 ${names} 拉进了群 / added ${names}`;
  }
  if (s.left_chat_member) {
    const name = s.left_chat_member.name;
    if (s.left_chat_member.id === m.sender.id) return `${name} 离开了群 / left`;
    return `${actor} 把 ${name} 移出了群 / removed ${name}`;
  }
  if (s.pinned_message_id) return `${actor} 置顶了一条消息 / pinned a message`;
  return `${actor}：群通知 / group notice`;
}

function chatTitle(chat) {
  return chat.type === "private" ? fullName(state.bot) : chat.title;
}

// ---- Telegram formatting: entities to a small set of safe elements ----------------------------

const ENTITY_TAGS = {
  bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
  text_link: "a", url: "a", spoiler: "tg-spoiler", blockquote: "blockquote", expandable_blockquote: "blockquote",
};
const COMMAND = /(^|[\s(（])(\/[A-Za-z][A-Za-z0-9_]{0,31})(?![A-Za-z0-9_@/])/g;

function formatted(text, entities, commands) {
  const spans = (entities || []).filter((e) => ENTITY_TAGS[e.type])
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const root = document.createDocumentFragment();
  fill(root, text, 0, text.length, spans, commands);
  return root;
}

// Entity offsets count UTF-16 code units, which is what JavaScript string indices count too.
function fill(parent, text, start, end, spans, commands) {
  let pos = start;
  let i = 0;
  while (i < spans.length) {
    const e = spans[i];
    const stop = e.offset + e.length;
    let j = i + 1;
    while (j < spans.length && spans[j].offset < stop) j++;
    if (e.offset >= pos && stop <= end) {
      plain(parent, text.slice(pos, e.offset), commands);
      const el = entityElement(e, text.slice(e.offset, stop));
      const inner = spans.slice(i + 1, j).filter((s) => s.offset + s.length <= stop);
      const plainInside = commands && !["code", "pre", "text_link", "url"].includes(e.type);
      fill(el.querySelector("code") || el, text, e.offset, stop, inner, plainInside);
      parent.append(el);
      pos = stop;
    }
    i = j;
  }
  plain(parent, text.slice(pos, end), commands);
}

function entityElement(entity, covered) {
  const tag = ENTITY_TAGS[entity.type];
  if (tag === "pre") return h("pre", {}, h("code"));
  if (tag === "tg-spoiler") return h("tg-spoiler", {tabindex: "0", title: "剧透，悬停或聚焦显示 / Spoiler: hover or focus to show"});
  if (tag === "a") {
    const href = safeUrl(entity.type === "url" ? covered : entity.url);
    return href ? h("a", {href, target: "_blank", rel: "noopener noreferrer"}) : h("span");
  }
  return h(tag);
}

// Plain text; in the bot's messages a /command becomes a button that sends it, as in Telegram.
function plain(parent, text, commands) {
  if (!commands) {
    parent.append(text);
    return;
  }
  let last = 0;
  for (const match of text.matchAll(COMMAND)) {
    const at = match.index + match[1].length;
    parent.append(text.slice(last, at));
    const command = match[2];
    parent.append(h("button", {
      type: "button", class: "command", "data-testid": "command-link", title: `发送 ${command} / Send ${command}`,
      onclick: () => sendText(command),
    }, command));
    last = at + command.length;
  }
  parent.append(text.slice(last));
}

// ---- choosing who you are ---------------------------------------------------------------------

function renderPeople() {
  const people = state.users.filter((u) => !u.is_bot);
  $("#people").replaceChildren(...people.map((u) => h("li", {},
    h("button", {
      type: "button", class: "person", "data-testid": "person", "data-user-id": u.id,
      "aria-pressed": state.me && state.me.id === u.id ? "true" : "false",
      onclick: () => choosePerson(u.id),
    },
    avatar(u.first_name, u.id, "large"),
    h("span", {class: "person-text"},
      h("strong", {class: "person-name"}, fullName(u)),
      h("span", {class: "person-role", "data-testid": "person-role"}, u.role || "未分配角色 / No role yet"),
      u.unit && u.unit !== u.role && h("span", {class: "person-unit", "data-testid": "person-unit"}, u.unit),
      u.username && h("span", {class: "person-username"}, `@${u.username}`))),
  )));
}

function showPicker() {
  renderPeople();
  $("#picker").hidden = false;
  $("#workspace").hidden = true;
  $("#me").hidden = !state.me;
}

async function choosePerson(userId, chatId = null) {
  saveDraft();
  state.me = state.users.find((u) => u.id === Number(userId));
  state.chatId = null;
  $("#me-name").replaceChildren(fullName(state.me), state.me.role ? h("small", {}, ` · ${state.me.role}`) : "");
  $("#me").hidden = false;
  $("#picker").hidden = true;
  $("#workspace").hidden = false;
  closeChat();
  await refreshChats();
  const wanted = state.chats.find((c) => c.id === Number(chatId));
  if (wanted) await openChat(wanted.id);
  else if (!matchMedia("(max-width: 760px)").matches && state.chats.length) await openChat(state.chats[0].id);
  writeHash();
}

// ---- the chat list ----------------------------------------------------------------------------

async function refreshChats() {
  const chats = await api("/chats");
  const mine = chats.filter((c) => c.member_ids.includes(state.me.id));
  await Promise.all(mine.map(async (c) => {
    const messages = await api(`/chats/${c.id}/messages`);
    c.last = messages.at(-1) || null;
  }));
  const activity = (c) => (c.last ? Math.max(c.last.date, c.last.edit_date || 0) : 0);
  mine.sort((a, b) => activity(b) - activity(a) || (a.type === "private") - (b.type === "private"));
  state.chats = mine;
  renderChats();
  renderChatHead();
}

function renderChats() {
  const shown = [state.chatId, state.chats.map((c) => [c.id, chatTitle(c), c.last])];
  const hasPrivate = state.chats.some((c) => c.type === "private");
  renderInto($("#chats"), shown, () => [...state.chats.map(chatItem), hasPrivate ? null : startPrivateChatItem()]
    .filter(Boolean));
}

function chatItem(c) {
  return h("li", {}, h("button", {
    type: "button", class: "chat", "data-testid": "chat", "data-chat-id": c.id,
    "aria-current": c.id === state.chatId ? "true" : "false",
    onclick: () => openChat(c.id),
  },
  c.type === "private" ? avatar(state.bot.first_name, 0, "bot") : avatar(c.title, c.id),
  h("span", {class: "chat-text"},
    h("span", {class: "chat-line"},
      h("strong", {class: "chat-name"}, chatTitle(c)),
      c.last && h("time", {class: "chat-time"}, when(c.last.date))),
    h("span", {class: "chat-preview"}, c.last ? previewLine(c) : "还没有消息 / No messages yet"))));
}

// Someone added through the API may not have a private chat with the bot yet: Telegram's "Start".
function startPrivateChatItem() {
  return h("li", {}, h("button", {
    type: "button", class: "chat", "data-testid": "start-private-chat", onclick: startPrivateChat,
  }, avatar(state.bot.first_name, 0, "bot"), h("span", {class: "chat-text"},
    h("strong", {class: "chat-name"}, fullName(state.bot)),
    h("span", {class: "chat-preview"}, "开始与机器人私聊 / Start a private chat with the bot"))));
}

async function startPrivateChat() {
  try {
    const chat = await api("/chats", {type: "private", member_ids: [state.me.id]});
    await refreshChats();
    await openChat(chat.id);
  } catch (error) {
    showError(error);
  }
}

function previewLine(chat) {
  const m = chat.last;
  if (m.service) return snippet(m);
  const who = m.sender.id === state.me.id ? "我 / me" : m.sender.name;
  return `${who}：${snippet(m)}`;
}

// ---- the open chat ----------------------------------------------------------------------------

function draftKey(chatId = state.chatId) {
  return `${state.me.id}:${chatId}`;
}

function saveDraft() {
  if (state.me && state.chatId !== null) state.drafts.set(draftKey(), $("#text").value);
}

async function openChat(chatId) {
  saveDraft();
  state.chatId = chatId;
  state.messages = new Map();
  state.nodes = new Map();
  $("#messages").replaceChildren();
  clearReply();
  $("#empty-state").hidden = true;
  $("#chat-view").hidden = false;
  $("#workspace").classList.add("show-chat");
  $("#text").value = state.drafts.get(draftKey()) || "";
  autosize();
  renderChats();
  renderChatHead();
  writeHash();
  await refreshMessages(true);
  $("#text").focus();
}

function closeChat() {
  state.chatId = null;
  $("#chat-view").hidden = true;
  $("#empty-state").hidden = false;
  $("#workspace").classList.remove("show-chat");
  writeHash();
}

function currentChat() {
  return state.chats.find((c) => c.id === state.chatId) || null;
}

function renderChatHead() {
  const chat = currentChat();
  if (!chat) return;
  $("#chat-title").textContent = chatTitle(chat);
  const busy = Boolean(state.botBusy || chat.action);
  const people = chat.member_ids.length + 1;
  let subtitle = `群聊 · ${people} 人 / Group of ${people}`;
  if (busy) subtitle = `${state.bot.first_name} 正在处理… / The bot is working…`;
  else if (chat.type === "private") subtitle = "与机器人私聊 / Private chat with the bot";
  $("#chat-subtitle").textContent = subtitle;
  $("#chat-subtitle").classList.toggle("busy", busy);
  const keys = "Enter 发送，Shift+Enter 换行 / Enter sends, Shift+Enter adds a line";
  $("#composer-hint").textContent = chat.type === "private" ? keys
    : `${keys} · 群里机器人只看 /命令 和对它的回复 / in groups the bot sees /commands and replies to it`;
  renderReplyKeyboard(chat);
  renderPinned(chat);
}

function renderPinned(chat) {
  const pinned = chat.pinned_message_id ? state.messages.get(chat.pinned_message_id) : null;
  $("#pinned").hidden = !pinned;
  $("#pinned-text").textContent = pinned ? snippet(pinned) : "";
}

function renderReplyKeyboard(chat) {
  const rows = chat.reply_keyboard || [];
  const box = $("#reply-keyboard");
  box.hidden = rows.length === 0;
  renderInto(box, rows, () => rows.map((row) => h("div", {class: "keyboard-row"}, row.map((text) => h("button", {
    type: "button", class: "keyboard-button", "data-testid": "keyboard-button", onclick: () => sendText(text),
  }, text)))));
}

async function refreshMessages(toBottom = false) {
  const chatId = state.chatId;
  const list = await api(`/chats/${chatId}/messages`);
  if (chatId !== state.chatId) return;
  state.messages = new Map(list.map((m) => [m.message_id, m]));
  const added = syncMessages(list);
  if (toBottom || (added && state.atBottom)) scrollToBottom();
  else if (added) $("#jump").hidden = false;
  preselectForceReply(list);
  const chat = currentChat();
  if (chat) renderPinned(chat);
  if (chat && list.at(-1)?.message_id !== chat.last?.message_id) {
    chat.last = list.at(-1) || null;
    renderChats();
  }
}

function scrollToBottom() {
  const box = $("#messages");
  box.scrollTop = box.scrollHeight;
  state.atBottom = true;
  $("#jump").hidden = true;
}

function followBottom() {
  if (state.atBottom) scrollToBottom();
}

function onScroll() {
  const box = $("#messages");
  state.atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  if (state.atBottom) $("#jump").hidden = true;
}

// Updates only the messages that changed, so scroll position and focus survive every poll.
function syncMessages(list) {
  const box = $("#messages");
  let added = false;
  const live = new Set();
  list.forEach((m, index) => {
    live.add(m.message_id);
    const sig = signature(m);
    let entry = state.nodes.get(m.message_id);
    if (!entry || entry.sig !== sig) {
      const node = messageNode(m);
      if (entry) entry.node.replaceWith(node);
      else added = true;
      entry = {sig, node};
      state.nodes.set(m.message_id, entry);
    }
    if (box.children[index] !== entry.node) box.insertBefore(entry.node, box.children[index] || null);
  });
  for (const [id, entry] of state.nodes) {
    if (!live.has(id)) {
      entry.node.remove();
      state.nodes.delete(id);
    }
  }
  if (!list.length) box.replaceChildren(h("li", {class: "service"}, emptyHint()));
  else box.querySelector(".empty-hint")?.parentElement?.remove();
  return added;
}

function emptyHint() {
  return h("span", {class: "empty-hint"}, "还没有消息。发送 /start 开始吧。/ No messages yet: send /start to begin.");
}

function signature(m) {
  const quoted = m.reply_to_message_id ? state.messages.get(m.reply_to_message_id) : null;
  const key = `${state.chatId}:${m.message_id}`;
  return JSON.stringify([m, quoted && snippet(quoted), state.notes.get(key) || "", state.me.id]);
}

function messageNode(m) {
  if (m.service) {
    return h("li", {class: "service", "data-testid": "service-message", "data-message-id": m.message_id},
      h("span", {}, serviceText(m)));
  }
  const mine = m.sender.id === state.me.id;
  const fromBot = m.sender.is_bot;
  const note = state.notes.get(`${state.chatId}:${m.message_id}`);
  return h("li", {
    class: `message ${mine ? "mine" : "theirs"}${fromBot ? " from-bot" : ""}`, "data-testid": "message",
    "data-message-id": m.message_id, "data-from-bot": fromBot ? "true" : "false", id: `message-${m.message_id}`,
  },
  !mine && (fromBot ? avatar(m.sender.name, 0, "bot") : avatar(m.sender.name, m.sender.id)),
  h("div", {class: "message-body"},
    h("div", {class: "bubble"},
      !mine && h("div", {class: "sender"}, m.sender.name, fromBot && h("span", {class: "badge"}, "机器人 / bot")),
      replyQuote(m),
      attachment(m),
      (m.text || m.caption) && h("div", {class: "text", "data-testid": "message-text"},
        formatted(m.text || m.caption, m.text ? m.entities : [], fromBot)),
      m.force_reply && h("p", {class: "force-reply"}, "↩ 机器人在等您回复这条消息 / The bot is waiting for a reply to this"),
      h("div", {class: "meta"},
        m.edited && h("span", {class: "edited", "data-testid": "edited"}, "已编辑 / edited"),
        h("time", {datetime: new Date(m.date * 1000).toISOString()}, when(m.date)),
        h("button", {
          type: "button", class: "reply-button", "data-testid": "reply-button", onclick: () => setReply(m),
        }, "回复 / Reply"))),
    inlineKeyboard(m),
    note && h("p", {class: "note", "data-testid": "delivery-note"}, note)));
}

function replyQuote(m) {
  if (!m.reply_to_message_id) return null;
  const quoted = state.messages.get(m.reply_to_message_id);
  return h("button", {
    type: "button", class: "quote", onclick: () => flash(m.reply_to_message_id),
    "aria-label": "跳到被回复的消息 / Go to the message this replies to",
  },
  h("strong", {}, quoted ? quoted.sender.name : "原消息 / Original"),
  h("span", {}, quoted ? snippet(quoted) : "（已删除）/ (deleted)"));
}

function flash(messageId) {
  const node = state.nodes.get(messageId)?.node;
  if (!node) return;
  node.scrollIntoView({block: "center", behavior: "smooth"});
  node.classList.remove("flash");
  void node.offsetWidth;
  node.classList.add("flash");
}

function attachment(m) {
  const file = m.document || m.photo;
  if (!file) return null;
  const size = file.file_size < 1024 ? `${file.file_size} B` : `${(file.file_size / 1024).toFixed(1)} KB`;
  const label = m.photo ? "图片 / Photo" : file.file_name;
  return h("a", {class: "file", href: file.url, download: file.file_name, "data-testid": "attachment"},
    m.photo ? h("img", {src: file.url, alt: "", class: "photo", onload: followBottom}) : fileIcon(file.file_name),
    h("span", {class: "file-text"}, h("strong", {}, label), h("small", {}, `${size} · 下载 / Download`)));
}

function fileIcon(name) {
  const ext = name.includes(".") ? name.split(".").pop().slice(0, 4).toUpperCase() : "FILE";
  return h("span", {class: "file-icon", "aria-hidden": "true"}, ext);
}

function inlineKeyboard(m) {
  if (!m.buttons.length) return null;
  return h("div", {class: "inline-keyboard", "data-testid": "inline-keyboard"}, m.buttons.map((row) =>
    h("div", {class: "keyboard-row"}, row.map((b) => inlineButton(m, b)))));
}

function inlineButton(m, b) {
  if (b.url) {
    const href = safeUrl(b.url);
    if (href) return h("a", {class: "inline-button", href, target: "_blank", rel: "noopener noreferrer", "data-testid": "inline-button"}, `${b.text} ↗`);
  }
  if (b.callback_data === undefined) {
    return h("button", {type: "button", class: "inline-button", disabled: true, title: "沙盒里不支持这种按钮 / Not supported in the sandbox"}, b.text);
  }
  const button = h("button", {type: "button", class: "inline-button", "data-testid": "inline-button"}, b.text);
  button.addEventListener("click", () => tap(m, b, button));
  return button;
}

// ---- replying -------------------------------------------------------------------------------------

function setReply(m, auto = false) {
  state.replyTo = m.message_id;
  $("#reply-label").textContent = auto ? `${m.sender.name} 在等您回答 / is waiting for your answer:` : `回复 ${m.sender.name} / Replying to ${m.sender.name}:`;
  $("#reply-snippet").textContent = snippet(m);
  $("#reply-bar").hidden = false;
  $("#reply-bar").dataset.messageId = String(m.message_id);
  $("#text").focus();
}

function clearReply() {
  state.replyTo = null;
  $("#reply-bar").hidden = true;
  delete $("#reply-bar").dataset.messageId;
}

// The bot's latest ForceReply question since my last message becomes the reply target, once,
// if it is meant for me: in a group a ForceReply that answers someone else's message is theirs.
function preselectForceReply(list) {
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i];
    if (m.sender.id === state.me.id) return;
    if (!m.sender.is_bot || !m.force_reply) continue;
    const key = `${state.me.id}:${state.chatId}:${m.message_id}`;
    if (state.autoReplied.has(key)) return;
    state.autoReplied.add(key);
    const asked = m.reply_to_message_id ? state.messages.get(m.reply_to_message_id) : null;
    if (currentChat()?.type === "private" || !asked || asked.sender.id === state.me.id) setReply(m, true);
    return;
  }
}

// ---- acting: send, tap, move the clock ----------------------------------------------------------

async function submitComposer(event) {
  event.preventDefault();
  const input = $("#text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  autosize();
  const sent = await sendText(text, state.replyTo);
  if (!sent && !input.value) {
    input.value = text;
    autosize();
  }
}

async function sendText(text, replyTo = null) {
  const chatId = state.chatId;
  const body = {from_id: state.me.id, chat_id: chatId, text};
  if (replyTo) body.reply_to_message_id = replyTo;
  try {
    const posted = await api("/messages", body);
    clearReply();
    if (!posted.delivered) {
      state.notes.set(`${chatId}:${posted.message_id}`,
        "机器人没有收到这条消息：在群里它只看得到 /命令 和对它消息的回复。/ The bot did not get this: in a group it sees only /commands and replies to its messages.");
    }
    state.drafts.delete(draftKey(chatId));
    await refreshMessages(true);
    await settle();
    await refreshMessages(true);
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

async function tap(m, b, button) {
  button.disabled = true;
  button.classList.add("busy");
  try {
    const body = {from_id: state.me.id, chat_id: state.chatId, message_id: m.message_id};
    if (b.callback_data) body.callback_data = b.callback_data;
    else body.button_text = b.text;
    const pressed = await api("/callbacks", body);
    showAnswer(await answerTo(pressed.callback_query_id));
    await refreshMessages();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
    button.classList.remove("busy");
  }
}

async function answerTo(callbackId) {
  await settle();
  for (let attempt = 0; attempt < 12; attempt++) {
    const answer = await api(`/callbacks/${encodeURIComponent(callbackId)}`);
    if (answer.answered) return answer;
    await delay(250);
  }
  return null;
}

function showAnswer(answer) {
  if (!answer) {
    toast("机器人没有回应这个按钮。/ The bot did not answer that button.", "warning");
  } else if (answer.text && answer.show_alert) {
    $("#alert-text").textContent = answer.text;
    $("#alert").showModal();
  } else if (answer.text) {
    toast(answer.text, "from-bot");
  } else if (answer.url && safeUrl(answer.url)) {
    toast(h("a", {href: safeUrl(answer.url), target: "_blank", rel: "noopener noreferrer"}, `打开 / Open ${answer.url}`));
  }
}

async function moveClock(event) {
  event.preventDefault();
  const local = $("#clock-time").value;
  if (!local) return showError(new ApiError("请先选日期和时间。/ Pick a date and time first."));
  const now = `${local.length === 16 ? `${local}:00` : local}${$("#clock-offset").value}`;
  try {
    const moved = await api("/clock", {now});
    const shown = moved.now.replace("T", " ");
    $("#clock-status").textContent = `已拨到 / Moved to ${shown}，之后照常走动 / and runs on from there`;
    toast(`时钟已拨到 / Clock moved to ${shown}`);
    await settle();
    if (state.chatId !== null) await refreshMessages();
  } catch (error) {
    showError(error);
  }
}

function setUpClock() {
  const offsets = [];
  for (let minutes = -12 * 60; minutes <= 14 * 60; minutes += 30) {
    const sign = minutes < 0 ? "-" : "+";
    const abs = Math.abs(minutes);
    offsets.push(`${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`);
  }
  $("#clock-offset").replaceChildren(...offsets.map((o) => h("option", {value: o, selected: o === "+08:00"}, `UTC${o}`)));
  const beijing = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16);
  $("#clock-time").value = beijing;
}

// ---- feedback -----------------------------------------------------------------------------------

function toast(content, kind = "") {
  const node = h("div", {class: `toast ${kind}`, "data-testid": "toast"},
    kind === "from-bot" && h("strong", {}, `${state.bot.first_name}：`), content);
  $("#toasts").append(node);
  const text = node.textContent || "";
  setTimeout(() => node.remove(), Math.min(12000, 4000 + text.length * 80));
}

function showError(error, source = "action") {
  $("#banner-text").textContent = error instanceof ApiError ? error.message : `出错了 / Something went wrong: ${error}`;
  $("#banner").dataset.source = source;
  $("#banner").hidden = false;
}

function clearError(source) {
  if ($("#banner").dataset.source === source) $("#banner").hidden = true;
}

// The bot's calls that Telegram refused, for the chats this person is in: otherwise the bot just seems silent.
async function checkBotRequests() {
  const fresh = await api(`/requests?since=${state.requestsSeen}`);
  state.requestsSeen += fresh.length;
  const mine = new Set(state.chats.map((c) => String(c.id)));
  for (const r of fresh) {
    if (r.ok || !r.params || !mine.has(String(r.params.chat_id))) continue;
    toast(r.status === 429
      ? `机器人发得太快，被 Telegram 限流，${r.method} 没有成功。/ The bot hit Telegram's flood limit: ${r.method} failed.`
      : `机器人的 ${r.method} 请求被拒绝 / The bot's ${r.method} call failed: ${r.description}`, "warning");
  }
}

// ---- polling, keys, the address bar -------------------------------------------------------------

async function poll() {
  if (state.polling || !state.me) return;
  state.polling = true;
  try {
    if (state.chatId !== null) await refreshMessages();
    if (++state.polls % CHATS_EVERY === 0) await refreshChats();
    await checkBotRequests();
    clearError("poll");
  } catch (error) {
    showError(error, "poll");
  } finally {
    state.polling = false;
  }
}

function onKey(event) {
  // Enter sends, Shift+Enter is a new line; Enter that confirms a Chinese input method's candidate does neither.
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  $("#composer").requestSubmit();
}

function autosize() {
  const input = $("#text");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 180)}px`;
}

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {user: params.get("user"), chat: params.get("chat")};
}

function writeHash() {
  const params = new URLSearchParams();
  if (state.me) params.set("user", state.me.id);
  if (state.chatId !== null) params.set("chat", state.chatId);
  history.replaceState(null, "", `#${params}`);
}

function bindControls() {
  $("#composer").addEventListener("submit", submitComposer);
  $("#text").addEventListener("keydown", onKey);
  $("#text").addEventListener("input", autosize);
  $("#reply-cancel").addEventListener("click", () => { clearReply(); $("#text").focus(); });
  $("#switch-person").addEventListener("click", showPicker);
  $("#back").addEventListener("click", closeChat);
  $("#jump").addEventListener("click", scrollToBottom);
  $("#pinned").addEventListener("click", () => flash(currentChat()?.pinned_message_id));
  $("#messages").addEventListener("scroll", onScroll);
  // The reply bar or a keyboard appearing shrinks the list: keep the newest message in view.
  new ResizeObserver(followBottom).observe($("#messages"));
  $("#banner-close").addEventListener("click", () => { $("#banner").hidden = true; });
  $("#alert-ok").addEventListener("click", () => $("#alert").close());
  $("#clock-form").addEventListener("submit", moveClock);
}

async function start() {
  bindControls();
  setUpClock();
  try {
    state.users = await api("/users");
    state.requestsSeen = (await api("/requests")).length;
  } catch (error) {
    showError(error);
    return;
  }
  state.bot = state.users.find((u) => u.is_bot) || {first_name: "机器人", id: 0};
  const wanted = readHash();
  const known = state.users.some((u) => !u.is_bot && u.id === Number(wanted.user));
  if (known) await choosePerson(wanted.user, wanted.chat).catch(showError);
  else showPicker();
  setInterval(poll, POLL_MS);
}

start();
