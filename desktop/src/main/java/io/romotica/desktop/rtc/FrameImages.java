package io.romotica.desktop.rtc;

import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

/**
 * Decoded video frames as images: I420 (BT.601, limited range, as libwebrtc's decoders give it) to RGB.
 * Stateless; call from the sink's thread while the frame is valid.
 */
public final class FrameImages {
    private FrameImages() {}

    public static BufferedImage toImage(VideoFrame frame) {
        I420Buffer i420 = frame.buffer.toI420();
        try {
            int w = i420.getWidth();
            int h = i420.getHeight();
            ByteBuffer y = i420.getDataY();
            ByteBuffer u = i420.getDataU();
            ByteBuffer v = i420.getDataV();
            int sy = i420.getStrideY();
            int su = i420.getStrideU();
            int sv = i420.getStrideV();
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] row = new int[w];
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    int yy = (y.get(j * sy + i) & 0xff) - 16;
                    int uu = (u.get((j / 2) * su + i / 2) & 0xff) - 128;
                    int vv = (v.get((j / 2) * sv + i / 2) & 0xff) - 128;
                    int r = clamp((298 * yy + 409 * vv + 128) >> 8);
                    int g = clamp((298 * yy - 100 * uu - 208 * vv + 128) >> 8);
                    int b = clamp((298 * yy + 516 * uu + 128) >> 8);
                    row[i] = r << 16 | g << 8 | b;
                }
                image.setRGB(0, j, w, 1, row, 0, w);
            }
            return image;
        } finally {
            i420.release();
        }
    }

    private static int clamp(int c) {
        return c < 0 ? 0 : Math.min(255, c);
    }
}
