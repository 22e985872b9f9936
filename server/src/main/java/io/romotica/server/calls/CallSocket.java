package io.romotica.server.calls;

import io.romotica.protocol.CallFrame;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.AppException;
import io.romotica.server.realtime.Connection;
import io.romotica.server.realtime.FrameHandler;
import io.romotica.server.realtime.Party;

/** The call frame family on the socket; a visitor's call requests are rate-limited per visitor and address. */
public final class CallSocket implements FrameHandler<CallFrame> {
    private final CallService calls;
    private final RateLimiter requests;

    public CallSocket(CallService calls, RateLimiter requests) {
        this.calls = calls;
        this.requests = requests;
    }

    @Override
    public void handle(Connection from, CallFrame frame) {
        switch (frame) {
            case CallFrame.Request request -> {
                if (from.party() instanceof Party.Visitor v) {
                    take("call-visitor:" + v.id());
                    take("call-ip:" + from.address());
                }
                calls.request(from, request);
            }
            case CallFrame.Invite invite -> calls.invite(from, invite);
            case CallFrame.Accept accept -> calls.accept(from, accept);
            case CallFrame.Reject reject -> calls.reject(from, reject);
            case CallFrame.Hangup hangup -> calls.hangup(from, hangup);
            case CallFrame.Resume resume -> calls.resume(from, resume);
            case CallFrame.Signal signal -> calls.signal(from, signal);
            case CallFrame.Control control -> calls.control(from, control);
            case CallFrame.Transfer transfer -> calls.transfer(from, transfer);
        }
    }

    private void take(String key) {
        requests.tryAcquire(key).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
    }
}
