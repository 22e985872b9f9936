package io.romotica.server.calls;

import io.romotica.protocol.CallFrame;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.AppException;
import io.romotica.server.realtime.Connection;
import io.romotica.server.realtime.FrameHandler;
import io.romotica.server.realtime.Party;

/**
 * The call frame family on the socket. A visitor's call requests are rate-limited per visitor and address;
 * signaling and controls per connection, so a flooding client gets RATE_LIMITED error frames and its peer
 * nothing more.
 */
public final class CallSocket implements FrameHandler<CallFrame> {
    private final CallService calls;
    private final RateLimiter requests;
    private final RateLimiter signals;

    /**
     * @param requests call requests per visitor and per address
     * @param signals signaling and control frames per connection
     */
    public CallSocket(CallService calls, RateLimiter requests, RateLimiter signals) {
        this.calls = calls;
        this.requests = requests;
        this.signals = signals;
    }

    @Override
    public void handle(Connection from, CallFrame frame) {
        switch (frame) {
            case CallFrame.Request request -> {
                if (from.party() instanceof Party.Visitor v) {
                    take(requests, "call-visitor:" + v.id());
                    take(requests, "call-ip:" + from.address());
                }
                calls.request(from, request);
            }
            case CallFrame.Invite invite -> calls.invite(from, invite);
            case CallFrame.Accept accept -> calls.accept(from, accept);
            case CallFrame.Reject reject -> calls.reject(from, reject);
            case CallFrame.Hangup hangup -> calls.hangup(from, hangup);
            case CallFrame.Resume resume -> calls.resume(from, resume);
            case CallFrame.Signal signal -> {
                take(signals, from.id());
                calls.signal(from, signal);
            }
            case CallFrame.Control control -> {
                take(signals, from.id());
                calls.control(from, control);
            }
            case CallFrame.Transfer transfer -> calls.transfer(from, transfer);
        }
    }

    private static void take(RateLimiter limiter, String key) {
        limiter.tryAcquire(key).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
    }
}
