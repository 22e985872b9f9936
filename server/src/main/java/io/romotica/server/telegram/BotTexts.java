package io.romotica.server.telegram;

import java.util.Map;

/**
 * What the bot says, in Turkish and English, as Telegram HTML. Placeholders {@code {0}}, {@code {1}} take
 * values that {@link #format} HTML-escapes, so visitor-written text can never inject markup. Immutable.
 */
final class BotTexts {
    private static final Map<String, String> EN = Map.ofEntries(
            Map.entry(
                    "linked",
                    "✅ Linked to Romotica as <b>{0}</b>. You will get notifications here; reply to one to answer the conversation. /help lists the commands."),
            Map.entry(
                    "linkInvalid",
                    "This link is not valid any more. Open the Romotica console → Account → Telegram and create a new one."),
            Map.entry("unlinked", "This chat is no longer linked to Romotica."),
            Map.entry(
                    "help",
                    "Reply to a notification to answer that conversation (text, photos, voice notes, files).\n/take — reply to a notification: take the conversation\n/resolve — reply to a notification: resolve it\n/mute — reply to a notification: mute that conversation; alone: pause or resume all notifications\n/status — your open conversations\n/unlink — stop using this chat"),
            Map.entry(
                    "replyFirst",
                    "Reply to a notification about a conversation to answer it or use /take, /resolve or /mute on it."),
            Map.entry(
                    "otp",
                    "🔐 Your Romotica sign-in code: <code>{0}</code>\nIt is valid for 5 minutes. If you did not try to sign in, change your password."),
            Map.entry("newConversation", "💬 <b>New conversation</b> from <b>{0}</b>\n{1}"),
            Map.entry("newMessage", "💬 <b>{0}</b>: {1}"),
            Map.entry("attachment", "[attachment: {0}]"),
            Map.entry("incomingCall", "📞 <b>Incoming call</b> from <b>{0}</b>"),
            Map.entry("missedCall", "📵 Missed call from <b>{0}</b>"),
            Map.entry("agentOnline", "🟢 {0} is online"),
            Map.entry("agentOffline", "⚪ {0} is offline"),
            Map.entry(
                    "limitReached",
                    "⚠️ Today's call limit is reached ({0} calls). New calls cannot be accepted until tomorrow."),
            Map.entry("openConsole", "Open in console"),
            Map.entry("openCall", "Open the call"),
            Map.entry("take", "Take"),
            Map.entry("taken", "✅ The conversation with {0} is yours."),
            Map.entry("resolved", "✅ The conversation with {0} is resolved."),
            Map.entry("mutedConversation", "🔕 No more notifications about {0}. /mute again to undo."),
            Map.entry("unmutedConversation", "🔔 Notifications about {0} are back on."),
            Map.entry("mutedAll", "🔕 Notifications paused. Send /mute again to resume."),
            Map.entry("unmutedAll", "🔔 Notifications resumed."),
            Map.entry("status", "You have {0} open conversation(s); {1} wait(s) for an agent. Notifications: {2}."),
            Map.entry("on", "on"),
            Map.entry("off", "paused"),
            Map.entry("notDelivered", "⚠️ Not delivered: {0}"),
            Map.entry("conversationGone", "That conversation no longer exists."),
            Map.entry(
                    "phoneAsk",
                    "To verify your phone number for the support chat, tap the button below to share your contact."),
            Map.entry("phoneButton", "Share my phone number"),
            Map.entry("phoneOwnOnly", "Please share your own contact with the button below."),
            Map.entry("phoneVerified", "✅ Thank you, your phone number is verified. You can return to the chat."));

    private static final Map<String, String> TR = Map.ofEntries(
            Map.entry(
                    "linked",
                    "✅ Romotica'ya <b>{0}</b> olarak bağlandı. Bildirimler buraya gelecek; bir bildirime yanıt vererek görüşmeyi cevaplayabilirsiniz. Komutlar için /help."),
            Map.entry(
                    "linkInvalid",
                    "Bu bağlantı artık geçerli değil. Romotica konsolunda Hesap → Telegram bölümünden yenisini oluşturun."),
            Map.entry("unlinked", "Bu sohbetin Romotica bağlantısı kaldırıldı."),
            Map.entry(
                    "help",
                    "Bir bildirime yanıt vererek o görüşmeyi cevaplayın (metin, fotoğraf, sesli mesaj, dosya).\n/take — bir bildirime yanıt olarak: görüşmeyi üstlen\n/resolve — bir bildirime yanıt olarak: çözüldü yap\n/mute — bir bildirime yanıt olarak: o görüşmeyi sessize al; tek başına: tüm bildirimleri duraklat ya da sürdür\n/status — açık görüşmeleriniz\n/unlink — bu sohbeti kullanmayı bırak"),
            Map.entry(
                    "replyFirst",
                    "Bir görüşmeyi cevaplamak ya da /take, /resolve, /mute kullanmak için o görüşmeyle ilgili bildirime yanıt verin."),
            Map.entry(
                    "otp",
                    "🔐 Romotica giriş kodunuz: <code>{0}</code>\n5 dakika geçerlidir. Giriş yapmaya çalışan siz değilseniz parolanızı değiştirin."),
            Map.entry("newConversation", "💬 <b>{0}</b> adlı ziyaretçiden <b>yeni görüşme</b>\n{1}"),
            Map.entry("newMessage", "💬 <b>{0}</b>: {1}"),
            Map.entry("attachment", "[ek: {0}]"),
            Map.entry("incomingCall", "📞 <b>{0}</b> arıyor"),
            Map.entry("missedCall", "📵 <b>{0}</b> adlı ziyaretçiden cevapsız çağrı"),
            Map.entry("agentOnline", "🟢 {0} çevrimiçi"),
            Map.entry("agentOffline", "⚪ {0} çevrimdışı"),
            Map.entry(
                    "limitReached",
                    "⚠️ Bugünün çağrı sınırına ulaşıldı ({0} çağrı). Yarına kadar yeni çağrı kabul edilemez."),
            Map.entry("openConsole", "Konsolda aç"),
            Map.entry("openCall", "Çağrıyı aç"),
            Map.entry("take", "Üstlen"),
            Map.entry("taken", "✅ {0} ile görüşme artık sizde."),
            Map.entry("resolved", "✅ {0} ile görüşme çözüldü."),
            Map.entry("mutedConversation", "🔕 {0} hakkında bildirim gelmeyecek. Geri almak için yine /mute."),
            Map.entry("unmutedConversation", "🔔 {0} hakkında bildirimler yeniden açık."),
            Map.entry("mutedAll", "🔕 Bildirimler duraklatıldı. Sürdürmek için yine /mute gönderin."),
            Map.entry("unmutedAll", "🔔 Bildirimler sürdürülüyor."),
            Map.entry("status", "Açık görüşmeniz: {0}; temsilci bekleyen: {1}. Bildirimler: {2}."),
            Map.entry("on", "açık"),
            Map.entry("off", "duraklatıldı"),
            Map.entry("notDelivered", "⚠️ İletilemedi: {0}"),
            Map.entry("conversationGone", "Bu görüşme artık yok."),
            Map.entry(
                    "phoneAsk",
                    "Destek sohbeti için telefon numaranızı doğrulamak üzere aşağıdaki düğmeye dokunup kişi bilginizi paylaşın."),
            Map.entry("phoneButton", "Telefon numaramı paylaş"),
            Map.entry("phoneOwnOnly", "Lütfen aşağıdaki düğmeyle kendi kişi bilginizi paylaşın."),
            Map.entry("phoneVerified", "✅ Teşekkürler, telefon numaranız doğrulandı. Sohbete dönebilirsiniz."));

    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{([0-9])}");

    private BotTexts() {}

    /** The text {@code key} in {@code lang} (tr or en) with escaped arguments. */
    static String format(String lang, String key, Object... args) {
        String template = ("tr".equals(lang) ? TR : EN).get(key);
        if (template == null) {
            throw new IllegalArgumentException("no bot text " + key);
        }
        // One pass, so an argument that itself contains "{1}" is never substituted into.
        java.util.regex.Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int i = m.group(1).charAt(0) - '0';
            m.appendReplacement(
                    out,
                    java.util.regex.Matcher.quoteReplacement(i < args.length ? escape(String.valueOf(args[i])) : ""));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Escapes {@code &}, {@code <}, {@code >} and quotes, as Telegram's HTML parse mode requires. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code text} cut to {@code max} characters with an ellipsis (before escaping). */
    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
