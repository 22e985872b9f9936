package io.romotica.server.chat;

import io.romotica.protocol.ChatFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.realtime.Connection;
import io.romotica.server.realtime.FrameHandler;
import io.romotica.server.realtime.Party;

/** The chat frame family on the socket: start, send (acknowledged once durable), sync, typing, read. */
public final class ChatSocket implements FrameHandler<ChatFrame> {
    private final ChatService chat;
    private final RateLimiter visitorMessages;

    /** {@code visitorMessages} limits how many messages one visitor may send per minute. */
    public ChatSocket(ChatService chat, RateLimiter visitorMessages) {
        this.chat = chat;
        this.visitorMessages = visitorMessages;
    }

    private void limit(Party party) {
        if (party instanceof Party.Visitor v) {
            visitorMessages.tryAcquire(v.id()).ifPresent(wait -> {
                throw AppException.rateLimited(wait);
            });
        }
    }

    @Override
    public void handle(Connection from, ChatFrame frame) {
        switch (frame) {
            case ChatFrame.Start start -> {
                if (!(from.party() instanceof Party.Visitor visitor)) {
                    throw new AppException(ErrorCode.FORBIDDEN, "only visitors start conversations");
                }
                limit(visitor);
                from.send(
                        new ServerFrame.ChatAck(start.clientId(), chat.start(visitor, start.clientId(), start.text())));
            }
            case ChatFrame.Send send -> {
                limit(from.party());
                from.send(new ServerFrame.ChatAck(send.clientId(), chat.send(from.party(), send)));
            }
            case ChatFrame.Sync sync -> from.send(chat.history(from.party(), sync.conversationId(), sync.afterSeq()));
            case ChatFrame.Typing typing -> chat.typing(from.party(), typing.conversationId(), typing.typing());
            case ChatFrame.Read read -> chat.read(from.party(), read.conversationId(), read.seq());
        }
    }
}
