package io.romotica.server.chat;

import io.romotica.protocol.ChatFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.realtime.Connection;
import io.romotica.server.realtime.FrameHandler;
import io.romotica.server.realtime.Party;

/** The chat frame family on the socket: start, send (acknowledged once durable) and sync. */
public final class ChatSocket implements FrameHandler<ChatFrame> {
    private final ChatService chat;

    public ChatSocket(ChatService chat) {
        this.chat = chat;
    }

    @Override
    public void handle(Connection from, ChatFrame frame) {
        switch (frame) {
            case ChatFrame.Start start -> {
                if (!(from.party() instanceof Party.Visitor visitor)) {
                    throw new AppException(ErrorCode.FORBIDDEN, "only visitors start conversations");
                }
                from.send(
                        new ServerFrame.ChatAck(start.clientId(), chat.start(visitor, start.clientId(), start.text())));
            }
            case ChatFrame.Send send ->
                from.send(new ServerFrame.ChatAck(
                        send.clientId(), chat.send(from.party(), send.conversationId(), send.clientId(), send.text())));
            case ChatFrame.Sync sync -> from.send(chat.history(from.party(), sync.conversationId(), sync.afterSeq()));
        }
    }
}
