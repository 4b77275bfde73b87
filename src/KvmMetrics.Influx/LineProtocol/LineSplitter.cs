namespace KvmMetrics.Influx.LineProtocol;

/// <summary>
/// Splits a line-protocol payload into lines. A newline ends a line except inside a quoted string
/// field value, where line protocol allows it. Escapes follow <see cref="LineProtocolDialect"/>, so
/// an escaped space in a name is not mistaken for the start of the field set.
/// </summary>
public static class LineSplitter
{
    private enum State
    {
        Name,
        Key,
        Value,
        Quoted,
        Timestamp,
    }

    /// <summary>The lines of <paramref name="payload"/>, without their newlines; empty lines are skipped.</summary>
    public static List<string> Split(string payload, LineProtocolDialect dialect = LineProtocolDialect.Spec)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var lines = new List<string>();
        var start = 0;
        var state = State.Name;
        for (var i = 0; i < payload.Length; i++)
        {
            var c = payload[i];
            var next = i + 1 < payload.Length ? payload[i + 1] : '\0';
            switch (state)
            {
                case State.Quoted:
                    if (c == '\\' && next is '"' or '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        state = State.Value;
                    }

                    continue;
                case State.Name or State.Key when c == '\\' && (next is ',' or '=' or ' ' || (next == '\\' && dialect == LineProtocolDialect.Spec)):
                    i++;
                    continue;
                case State.Name when c == ' ':
                    state = State.Key;
                    continue;
                case State.Key when c == '=':
                    state = State.Value;
                    if (next == '"')
                    {
                        state = State.Quoted;
                        i++;
                    }

                    continue;
                case State.Value when c == ',':
                    state = State.Key;
                    continue;
                case State.Value when c == ' ':
                    state = State.Timestamp;
                    continue;
            }

            if (c == '\n')
            {
                if (i > start)
                {
                    lines.Add(payload[start..i]);
                }

                start = i + 1;
                state = State.Name;
            }
        }

        if (start < payload.Length)
        {
            lines.Add(payload[start..]);
        }

        return lines;
    }
}
