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
    private final RateLimiter addressMessages;
    private final RateLimiter newConversations;

    /**
     * Visitors' limits: {@code visitorMessages} per visitor, {@code addressMessages} per source address,
     * {@code newConversations} per visitor and, separately, per source address.
     */
    public ChatSocket(
            ChatService chat, RateLimiter visitorMessages, RateLimiter addressMessages, RateLimiter newConversations) {
        this.chat = chat;
        this.visitorMessages = visitorMessages;
        this.addressMessages = addressMessages;
        this.newConversations = newConversations;
    }

    private void limit(Connection from) {
        if (from.party() instanceof Party.Visitor v) {
            take(visitorMessages, v.id());
            take(addressMessages, from.address());
        }
    }

    private static void take(RateLimiter limiter, String key) {
        limiter.tryAcquire(key).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
    }

    @Override
    public void handle(Connection from, ChatFrame frame) {
        switch (frame) {
            case ChatFrame.Start start -> {
                if (!(from.party() instanceof Party.Visitor visitor)) {
                    throw new AppException(ErrorCode.FORBIDDEN, "only visitors start conversations");
                }
                take(newConversations, "visitor:" + visitor.id());
                take(newConversations, "ip:" + from.address());
                limit(from);
                from.send(
                        new ServerFrame.ChatAck(start.clientId(), chat.start(visitor, start.clientId(), start.text())));
            }
            case ChatFrame.Send send -> {
                limit(from);
                from.send(new ServerFrame.ChatAck(send.clientId(), chat.send(from.party(), send)));
            }
            case ChatFrame.Sync sync -> from.send(chat.history(from.party(), sync));
            case ChatFrame.Typing typing -> chat.typing(from.party(), typing.conversationId(), typing.typing());
            case ChatFrame.Read read -> chat.read(from.party(), read.conversationId(), read.seq());
        }
    }
}
