/* skypact: Server-Sent Events read from a fetch response (a bearer token cannot ride on
 * EventSource).  Used by the page (notifications) and by the track worker (tracks).
 */
"use strict";

// Call onEvent(event, data, id) for each event of the response's body, until it ends; data is the
// event's data lines joined, as text.  A 1 MB event arrives in many chunks: the search for its end
// resumes where the previous chunk's search stopped.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader(), dec = new TextDecoder();
  let buf = "", from = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += dec.decode(value, { stream: true });
    for (let i; (i = buf.indexOf("\n\n", from)) >= 0; from = 0) {
      const block = buf.slice(0, i); buf = buf.slice(i + 2);
      let event = "message", id = null; const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        else if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("id:")) id = line.slice(3).trim();
      }
      if (data.length) onEvent(event, data.join("\n"), id);
    }
    from = Math.max(0, buf.length - 1);
  }
}
