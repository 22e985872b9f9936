'use strict';
// Socket.IO 4 peer for bench/chat-load.sh: the same chat scenario Romotica runs, on the most common
// Node stack for it. A client joins the room named in its handshake query (?room=...); an event "msg"
// is broadcast to the whole room (sender included) and then acknowledged. Plain WebSocket transport
// only (no HTTP long-polling, no compression), nothing stored. GET /mem runs a full GC (node
// --expose-gc) and answers {"rss":..,"heapUsed":..} in bytes, for the memory-per-connection phase.
// Usage: PORT=18481 node --expose-gc server.js
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.env.PORT || 18481);
const host = process.env.HOST || '127.0.0.1';

const httpServer = http.createServer((req, res) => {
  if (req.url === '/mem') {
    if (global.gc) global.gc();
    const m = process.memoryUsage();
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, gc: Boolean(global.gc) }));
    return;
  }
  if (req.url === '/health') {
    res.end('ok');
    return;
  }
  res.statusCode = 404;
  res.end();
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  httpCompression: false,
});

io.on('connection', (socket) => {
  const room = socket.handshake.query.room;
  if (typeof room === 'string' && room.length > 0) socket.join(room);
  socket.on('msg', (text, ack) => {
    if (typeof room === 'string') io.to(room).emit('msg', text);
    if (typeof ack === 'function') ack();
  });
});

httpServer.listen(port, host, () => {
  console.log(`socket.io ${require('socket.io/package.json').version} peer listening on ${host}:${port}`);
});
process.on('SIGTERM', () => process.exit(0));
