package io.pveha.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures everything logged (at DEBUG and above for io.pveha) while open, with MDC and stack
 * traces.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<ILoggingEvent> events = new ArrayList<>();
    private final Logger root;
    private final Logger pveha;
    private final Level previousLevel;

    public LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        pveha = context.getLogger("io.pveha");
        previousLevel = pveha.getLevel();
        pveha.setLevel(Level.DEBUG);
        setContext(context);
        start();
        root.addAppender(this);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** Every captured line: level, logger, MDC, message and stack trace. */
    public synchronized String text() {
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent e : events) {
            out.append(e.getLevel())
                    .append(' ')
                    .append(e.getLoggerName())
                    .append(' ')
                    .append(e.getMDCPropertyMap())
                    .append(" - ")
                    .append(e.getFormattedMessage())
                    .append('\n');
            if (e.getThrowableProxy() != null) {
                out.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        pveha.setLevel(previousLevel);
        stop();
    }
}
