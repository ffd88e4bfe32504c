// openses dashboard: charts (uPlot) and live streams (Server-Sent Events). The pages work
// without it; this only adds the charts and the updates that need no reload.
"use strict";

(function () {
  const COLOURS = {
    Send: "#4e79a7", Delivery: "#59a14f", Bounce: "#e15759",
    Complaint: "#f28e2b", Open: "#76b7b2", Click: "#b07aa1",
  };

  function charts() {
    const source = document.getElementById("chart-data");
    if (!source || typeof uPlot === "undefined") return;
    const data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      const span = data[box.dataset.chart];
      const series = [{}];
      const columns = [span.x];
      data.types.forEach(function (type) {
        series.push({ label: type, stroke: COLOURS[type], width: 2 });
        columns.push(span.series[type] || span.x.map(function () { return 0; }));
      });
      const width = Math.max(280, box.clientWidth || 480);
      new uPlot({ width: width, height: 220, series: series, axes: [{}, { size: 40 }] }, columns, box);
    });
  }

  function inbox() {
    const rows = document.getElementById("inbox-rows");
    if (!rows || !rows.dataset.stream || !window.EventSource) return;
    const source = new EventSource(rows.dataset.stream);
    source.addEventListener("row", function (event) {
      const empty = document.getElementById("inbox-empty");
      if (empty) empty.remove();
      rows.insertAdjacentHTML("afterbegin", event.data);
    });
    document.body.addEventListener("htmx:beforeSwap", function () { source.close(); }, { once: true });
  }

  function live() {
    const list = document.getElementById("live-events");
    const state = document.getElementById("live-state");
    if (!list || !window.EventSource) return;
    const source = new EventSource(list.dataset.events);
    source.onopen = function () { state.textContent = "Live: new events appear here."; };
    source.onerror = function () { state.textContent = "Reconnecting…"; };
    source.addEventListener("ses", function (event) {
      const found = JSON.parse(event.data);
      const item = document.createElement("li");
      item.dataset.eventType = found.eventType;
      item.dataset.messageId = found.messageId;
      const title = document.createElement("p");
      const type = document.createElement("strong");
      type.textContent = found.eventType;
      const link = document.createElement("a");
      link.href = "/_openses/inbox/" + encodeURIComponent(found.messageId);
      link.textContent = found.messageId;
      title.append(type, " ", found.configurationSet || "", " ", link);
      const body = document.createElement("pre");
      body.className = "published";
      body.textContent = found.json;
      item.append(title, body);
      list.prepend(item);
      while (list.children.length > 200) list.lastElementChild.remove();
    });
  }

  function start() {
    charts();
    inbox();
    live();
  }
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", inbox);
})();
