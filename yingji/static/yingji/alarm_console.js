/* 报警控制台: the alarm list kept live from the event stream (/api/v1/events/stream, topics monitoring.alarm.*).
   Every alarm event reloads the filtered list from the API (debounced), so the server applies scope and filters;
   alarms that were not on the list before flash and, once the operator enabled sound (browsers need one gesture),
   beep through the Web Audio API. Acknowledge / assign from the row; a side panel holds the handling record
   (notes, photos), assignment and the close form. Test hooks: window.yingjiConsole. */
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("console-i18n").textContent);
  var API = "/api/v1/monitoring/alarms";
  var table = document.getElementById("alarm-table");
  var rowsEl = document.getElementById("alarm-rows");
  var emptyEl = document.getElementById("alarm-empty");
  var statusEl = document.getElementById("console-status");
  var filtersEl = document.getElementById("console-filters");
  var panel = document.getElementById("alarm-panel");
  var panelBody = document.getElementById("panel-body");
  var soundBtn = document.getElementById("sound-toggle");
  var mayAct = table.dataset.mayAct === "true";
  var state = { alarms: [], known: null, openId: null, audio: null, sound: false, beeps: 0, flashed: [], loads: 0,
    streamOpen: false };

  function fmt(text, values) { return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function esc(text) { var d = document.createElement("div"); d.textContent = text == null ? "" : String(text); return d.innerHTML; }
  function time(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false, month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }
  function request(method, url, body, isForm) {
    var headers = { Accept: "application/json", "X-CSRFToken": window.yingji.csrfToken() };
    if (body && !isForm) headers["Content-Type"] = "application/json";
    return fetch(url, { method: method, credentials: "same-origin", headers: headers,
      body: body ? (isForm ? body : JSON.stringify(body)) : undefined }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error(errorText(data) || String(r.status));
        return data;
      });
    });
  }
  function errorText(data) {
    if (!data || !data.detail) return "";
    if (typeof data.detail === "string") return data.detail;
    return data.detail.map(function (e) { return e.msg || e.message || JSON.stringify(e); }).join("；");
  }
  function query() {
    var params = new URLSearchParams();
    new FormData(filtersEl).forEach(function (value, key) { if (value) params.set(key, value); });
    return params;
  }

  /* ---- sound: a short two-tone beep generated with the Web Audio API (no audio files) ---- */
  function beep() {
    state.beeps += 1;
    if (!state.sound || !state.audio) return;
    var ctx = state.audio, now = ctx.currentTime;
    [0, 0.3].forEach(function (offset, i) {
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = i ? 660 : 880;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.27);
    });
  }
  function showSound() {
    soundBtn.setAttribute("aria-pressed", String(state.sound));
    soundBtn.classList.toggle("on", state.sound);
    soundBtn.querySelector(".label").textContent = state.sound ? T.soundOn : T.soundOff;
  }
  soundBtn.addEventListener("click", function () {
    if (!state.audio) {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) state.audio = new Ctx();
    }
    if (state.audio && state.audio.state === "suspended") state.audio.resume();
    state.sound = !state.sound;
    showSound();
    if (state.sound) beep();  // the operator hears what an alarm sounds like
  });

  /* ---- the list ---- */
  function levelClass(a) {
    if (a.category !== "process") return "lv-fault";
    return a.grade >= 2 ? "lv-2" : "lv-1";
  }
  function actionsHtml(a) {
    if (!mayAct || a.status === "closed") return "";
    var html = "";
    if (a.status === "raised") html += '<button type="button" class="btn primary" data-act="ack">' + esc(T.acknowledge) + "</button>";
    else html += '<button type="button" class="btn" data-act="assign">' + esc(T.assign) + "</button>";
    html += '<button type="button" class="btn" data-act="handle">' + esc(T.handle) + "</button>";
    return html;
  }
  function rowHtml(a) {
    var extra = "";
    if (a.recovered_at) extra += ' <span class="badge ok">' + esc(T.recovered) + "</span>";
    if (a.false_alarm) extra += ' <span class="badge">' + esc(T.falseAlarmBadge) + "</span>";
    if (a.escalated_at) {
      extra += ' <span class="badge overdue">' + esc(a.escalated_to_name ? fmt(T.overdue, { d: a.escalated_to_name }) : T.overdueNoDept) + "</span>";
    }
    return '<td><span class="level-pill ' + levelClass(a) + '">' + esc(T.levels[a.level] || a.level) + "</span></td>" +
      "<td><div class=\"msg\">" + esc(a.message) + "</div>" + (a.repeat_count ? '<div class="muted small">' +
      esc(fmt(T.repeats, { n: a.repeat_count })) + "</div>" : "") + "</td>" +
      '<td><a href="/monitoring/devices/' + a.device_id + '/">' + esc(a.device_name) + "</a>" +
      '<div class="muted small">' + esc(a.enterprise_name || a.area_name || "") + "</div></td>" +
      '<td class="nowrap">' + esc(time(a.first_at)) + "</td>" +
      '<td><span class="status-pill st-' + esc(a.status) + '">' + esc(T.statuses[a.status] || a.status) + "</span>" + extra +
      (a.assignee_name ? '<div class="muted small">' + esc(T.assignee) + "：" + esc(a.assignee_name) + "</div>" : "") + "</td>" +
      '<td class="row-actions">' + actionsHtml(a) + "</td>";
  }
  function render(fresh) {
    rowsEl.innerHTML = "";
    state.alarms.forEach(function (a) {
      var tr = document.createElement("tr");
      tr.dataset.id = a.id;
      tr.className = "alarm-row " + levelClass(a) + (a.status === "raised" ? " unacked" : "");
      if (fresh.indexOf(a.id) >= 0) tr.classList.add("flash");
      tr.innerHTML = rowHtml(a);
      rowsEl.appendChild(tr);
    });
    emptyEl.hidden = state.alarms.length > 0;
    emptyEl.textContent = T.empty;
  }
  function load() {
    var params = query();
    params.set("limit", "200");
    document.getElementById("export-xlsx").href = document.getElementById("export-xlsx").dataset.base + "&" + query().toString();
    document.getElementById("export-csv").href = document.getElementById("export-csv").dataset.base + "&" + query().toString();
    return request("GET", API + "?" + params.toString()).then(function (page) {
      var fresh = [];
      if (state.known) {
        page.items.forEach(function (a) {
          if (!state.known[a.id] || (state.known[a.id] !== "raised" && a.status === "raised")) fresh.push(a.id);
        });
      }
      state.known = {};
      page.items.forEach(function (a) { state.known[a.id] = a.status; });
      state.alarms = page.items;
      state.loads += 1;
      render(fresh);
      if (fresh.length) {
        state.flashed = state.flashed.concat(fresh);
        beep();
      }
      setStatus(fmt(T.count, { n: page.count }));
      // Re-render the open panel only when its alarm changed, so a form being filled in is not wiped.
      var open = state.openId && find(state.openId);
      if (open && signature(open) !== state.panelSig) refreshPanel();
    }).catch(function () { setStatus(T.failed); });
  }
  var pending = null;
  function reloadSoon() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; load(); }, 250);
  }
  function setStatus(text) {
    statusEl.textContent = text + " · " + (state.streamOpen ? T.live : T.reconnecting);
    statusEl.classList.toggle("offline", !state.streamOpen);
  }
  filtersEl.addEventListener("change", function () { state.known = null; load(); });

  /* ---- live stream ---- */
  var TOPICS = ["raised", "escalated", "deescalated", "recovered", "acknowledged", "assigned", "noted", "closed", "overdue"];
  function connect() {
    var source = new EventSource("/api/v1/events/stream?topics=monitoring.alarm.");
    source.onopen = function () { state.streamOpen = true; setStatus(fmt(T.count, { n: state.alarms.length })); };
    source.onerror = function () { state.streamOpen = false; setStatus(fmt(T.count, { n: state.alarms.length })); };
    TOPICS.forEach(function (t) { source.addEventListener("monitoring.alarm." + t, reloadSoon); });
    state.source = source;
  }

  /* ---- row actions ---- */
  function signature(a) { return [a.status, a.assignee_id, a.level, a.recovered_at, a.escalated_at].join("|"); }
  function find(id) { return state.alarms.filter(function (a) { return a.id === id; })[0]; }
  rowsEl.addEventListener("click", function (event) {
    var btn = event.target.closest("button[data-act]");
    if (!btn) return;
    var id = Number(btn.closest("tr").dataset.id);
    if (btn.dataset.act === "ack") {
      btn.disabled = true;
      request("POST", API + "/" + id + "/acknowledge", {}).then(load).catch(function (e) { btn.disabled = false; setStatus(e.message); });
    } else {
      openPanel(id, btn.dataset.act === "assign");
    }
  });

  /* ---- side panel: details, assignment, handling notes with photos, close ---- */
  document.getElementById("panel-close").addEventListener("click", function () { panel.hidden = true; state.openId = null; });
  function openPanel(id, focusAssign) {
    state.openId = id;
    panel.hidden = false;
    refreshPanel(focusAssign);
  }
  function refreshPanel(focusAssign) {
    var id = state.openId;
    return Promise.all([request("GET", API + "/" + id), request("GET", API + "/" + id + "/notes"),
      mayAct ? request("GET", API + "/" + id + "/assignees").catch(function () { return []; }) : Promise.resolve([])])
      .then(function (r) { if (state.openId === id) renderPanel(r[0], r[1], r[2], focusAssign); })
      .catch(function (e) { panelBody.innerHTML = '<p class="field-error">' + esc(e.message) + "</p>"; });
  }
  function notesHtml(notes) {
    if (!notes.length) return '<p class="muted">' + esc(T.noNotes) + "</p>";
    return '<ol class="notes">' + notes.map(function (n) {
      return "<li><div class=\"muted small\">" + esc(time(n.created_at)) + " · " + esc(n.author) + "</div><div>" + esc(n.text) + "</div>" +
        (n.photos.length ? '<div class="photos">' + n.photos.map(function (p) {
          return '<a href="' + esc(p.url) + '" target="_blank" rel="noopener"><img src="' + esc(p.url) + '" alt="' + esc(p.original_name) + '"></a>';
        }).join("") + "</div>" : "") + "</li>";
    }).join("") + "</ol>";
  }
  function renderPanel(a, notes, people, focusAssign) {
    state.panelSig = signature(a);
    var open = a.status !== "closed", acked = a.status !== "raised";
    var html = '<div class="panel-alarm ' + levelClass(a) + '"><span class="level-pill ' + levelClass(a) + '">' +
      esc(T.levels[a.level] || a.level) + "</span> " + esc(a.message) + "</div>" +
      '<dl class="props"><dt>' + esc(T.device) + '</dt><dd><a href="/monitoring/devices/' + a.device_id + '/">' + esc(a.device_name) +
      "</a> (" + esc(a.device_code) + ")</dd>" +
      (a.enterprise_name ? "<dt>" + esc(T.enterprise) + "</dt><dd>" + esc(a.enterprise_name) + "</dd>" : "") +
      "<dt>" + esc(T.value) + "</dt><dd>" + esc(a.last_value) + " " + esc(a.unit) + "</dd>" +
      "<dt>" + esc(T.firstAt) + "</dt><dd>" + esc(time(a.first_at)) + "</dd>" +
      "<dt>" + esc(T.assignee) + "</dt><dd>" + esc(a.assignee_name || "—") + "</dd></dl>";
    if (!open) html += '<p class="notice">' + esc(T.closeClosed) + "：" + esc(a.cause) + " / " + esc(a.measures) + "</p>";
    if (open && mayAct && !acked) {
      html += '<p class="notice warning">' + esc(T.ackFirst) + '</p><button type="button" class="btn primary" id="panel-ack">' + esc(T.acknowledge) + "</button>";
    }
    if (open && mayAct && acked) {
      html += '<form id="assign-form" class="panel-form"><label for="assignee">' + esc(T.assignee) + "</label><div class=\"row\">" +
        '<select id="assignee" name="assignee" required><option value="">' + esc(people.length ? T.chooseAssignee : T.noAssignees) + "</option>" +
        people.map(function (p) {
          return '<option value="' + p.id + '"' + (p.id === a.assignee_id ? " selected" : "") + ">" + esc(p.name) + " · " + esc(p.role) + "</option>";
        }).join("") + '</select><button class="btn primary" type="submit">' + esc(T.assign) + "</button></div></form>";
    }
    html += "<h3>" + esc(T.notes) + "</h3>" + notesHtml(notes);
    if (open && mayAct && acked) {
      html += '<form id="note-form" class="panel-form"><textarea name="text" required placeholder="' + esc(T.notePlaceholder) + '"></textarea>' +
        '<label class="small muted" for="note-photos">' + esc(T.photos) + "</label>" +
        '<input type="file" id="note-photos" name="photos" accept="image/jpeg,image/png,image/webp" multiple>' +
        '<button class="btn" type="submit">' + esc(T.addNote) + "</button></form>" +
        '<form id="close-form" class="panel-form"><h3>' + esc(T.close) + "</h3>" +
        '<label for="close-cause">' + esc(T.cause) + '</label><textarea id="close-cause" name="cause" required></textarea>' +
        '<label for="close-measures">' + esc(T.measures) + '</label><textarea id="close-measures" name="measures" required></textarea>' +
        '<label class="check"><input type="checkbox" name="false_alarm" id="close-false"> ' + esc(T.falseAlarm) + "</label>" +
        '<button class="btn danger" type="submit">' + esc(T.close) + "</button></form>";
    }
    html += '<p class="field-error" id="panel-error" role="alert"></p>';
    panelBody.innerHTML = html;
    bindPanel(a);
    if (focusAssign && document.getElementById("assignee")) document.getElementById("assignee").focus();
  }
  function fail(e) { var el = document.getElementById("panel-error"); if (el) el.textContent = e.message; }
  function bindPanel(a) {
    var url = API + "/" + a.id;
    var ack = document.getElementById("panel-ack");
    if (ack) ack.addEventListener("click", function () { request("POST", url + "/acknowledge", {}).then(load).catch(fail); });
    var assign = document.getElementById("assign-form");
    if (assign) assign.addEventListener("submit", function (e) {
      e.preventDefault();
      request("POST", url + "/assign", { assignee: Number(assign.assignee.value) })
        .then(function () { return refreshPanel(); }).then(load).catch(fail);
    });
    var note = document.getElementById("note-form");
    if (note) note.addEventListener("submit", function (e) {
      e.preventDefault();
      request("POST", url + "/notes", new FormData(note), true).then(function () { return refreshPanel(); })
        .then(load).catch(fail);
    });
    var close = document.getElementById("close-form");
    if (close) close.addEventListener("submit", function (e) {
      e.preventDefault();
      request("POST", url + "/close", { cause: close.cause.value, measures: close.measures.value,
        false_alarm: close.false_alarm.checked }).then(function () { return refreshPanel(); }).then(load).catch(fail);
    });
  }

  /* ---- statistics (GET /alarms/stats), loaded when the section is opened or its form changes ---- */
  var statsEl = document.getElementById("console-stats");
  var statsForm = document.getElementById("stats-form");
  function minutes(s) { return s == null ? "—" : (s / 60).toFixed(1) + " min"; }
  function loadStats() {
    var params = new URLSearchParams({ group_by: statsForm.group_by.value });
    // Dates are local (Asia/Shanghai) days; "to" includes its whole day.
    if (statsForm.from.value) params.set("from", statsForm.from.value + "T00:00:00+08:00");
    if (statsForm.to.value) {
      var end = new Date(statsForm.to.value + "T00:00:00+08:00");
      end.setTime(end.getTime() + 86400000);
      params.set("to", end.toISOString());
    }
    return request("GET", API + "/stats?" + params.toString()).then(function (body) {
      statsEl.querySelector("tbody").innerHTML = body.rows.map(function (r) {
        return "<tr><td>" + esc(r.label) + '</td><td class="num">' + r.count + '</td><td class="num">' + r.closed +
          '</td><td class="num">' + (r.false_alarm_rate == null ? "—" : (r.false_alarm_rate * 100).toFixed(1) + " %") +
          '</td><td class="num">' + minutes(r.mean_acknowledge_s) + '</td><td class="num">' + minutes(r.mean_close_s) + "</td></tr>";
      }).join("") || '<tr><td colspan="6" class="empty">' + esc(T.empty) + "</td></tr>";
      state.statsLoads = (state.statsLoads || 0) + 1;
    }).catch(function (e) { statsEl.querySelector("tbody").innerHTML = '<tr><td colspan="6" class="field-error">' + esc(e.message) + "</td></tr>"; });
  }
  statsEl.addEventListener("toggle", function () { if (statsEl.open) loadStats(); });
  statsForm.addEventListener("change", loadStats);

  window.yingjiConsole = { state: state, reload: load, beep: beep };
  setStatus(T.loading);
  load().then(function () { connect(); table.dataset.ready = "true"; });
})();
