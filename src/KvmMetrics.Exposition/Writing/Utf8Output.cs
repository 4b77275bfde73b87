using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace KvmMetrics.Exposition.Writing;

/// <summary>
/// A small buffered UTF-8 writer over a <see cref="Stream"/>: one pooled byte buffer, no
/// intermediate strings. Invalid UTF-16 (lone surrogates) is written as U+FFFD so the output is
/// always valid UTF-8.
/// </summary>
internal sealed class Utf8Output : IDisposable
{
    private const int BufferSize = 32 * 1024;

    // Characters that need a backslash escape: HELP in text 0.0.4 escapes '\\' and '\n' only;
    // label values (both formats) and HELP in OpenMetrics also escape '"'.
    private static readonly SearchValues<char> HelpSpecials = SearchValues.Create("\\\n");
    private static readonly SearchValues<char> QuotedSpecials = SearchValues.Create("\\\n\"");

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _position;

    public Utf8Output(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public void WriteByte(byte b)
    {
        if (_position == _buffer.Length)
        {
            FlushBuffer();
        }

        _buffer[_position++] = b;
    }

    /// <summary>Writes bytes that are already UTF-8 (literals such as <c>"# TYPE "u8</c>).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= _buffer.Length - _position)
        {
            bytes.CopyTo(_buffer.AsSpan(_position));
            _position += bytes.Length;
            return;
        }

        while (bytes.Length > 0)
        {
            if (_position == _buffer.Length)
            {
                FlushBuffer();
            }

            var n = Math.Min(bytes.Length, _buffer.Length - _position);
            bytes[..n].CopyTo(_buffer.AsSpan(_position));
            _position += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>Writes text as UTF-8 without escaping (metric and label names: ASCII by construction).</summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        while (text.Length > 0)
        {
            var status = Utf8.FromUtf16(text, _buffer.AsSpan(_position), out var read, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            _position += written;
            text = text[read..];
            if (status == OperationStatus.DestinationTooSmall)
            {
                FlushBuffer();
            }
        }
    }

    /// <summary>HELP text of the text format 0.0.4: <c>\</c> → <c>\\</c>, newline → <c>\n</c>.</summary>
    public void WriteHelpEscaped(string text) => WriteEscaped(text, HelpSpecials);

    /// <summary>A label value (both formats) or OpenMetrics HELP: also <c>"</c> → <c>\"</c>.</summary>
    public void WriteQuotedEscaped(string text) => WriteEscaped(text, QuotedSpecials);

    /// <summary>
    /// Writes a sample value: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>, integers exactly without
    /// exponent or decimal point, anything else as the shortest string that round-trips.
    /// </summary>
    public void WriteNumber(double value)
    {
        if (_buffer.Length - _position < 32)
        {
            FlushBuffer();
        }

        var destination = _buffer.AsSpan(_position);
        int written;
        if (double.IsNaN(value))
        {
            "NaN"u8.CopyTo(destination);
            written = 3;
        }
        else if (double.IsPositiveInfinity(value))
        {
            "+Inf"u8.CopyTo(destination);
            written = 4;
        }
        else if (double.IsNegativeInfinity(value))
        {
            "-Inf"u8.CopyTo(destination);
            written = 4;
        }
        else if (value == Math.Floor(value) && Math.Abs(value) < 9.2e18)
        {
            // Every double in this range that is a whole number converts to long exactly, and the
            // decimal digits of that long parse back to the same double.
            ((long)value).TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
        }
        else
        {
            value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
        }

        _position += written;
    }

    public void Flush()
    {
        FlushBuffer();
        _stream.Flush();
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteEscaped(string text, SearchValues<char> specials)
    {
        var span = text.AsSpan();
        while (true)
        {
            var i = span.IndexOfAny(specials);
            if (i < 0)
            {
                WriteText(span);
                return;
            }

            // Specials are ASCII, so splitting here never cuts a surrogate pair.
            WriteText(span[..i]);
            WriteByte((byte)'\\');
            WriteByte(span[i] == '\n' ? (byte)'n' : (byte)span[i]);
            span = span[(i + 1)..];
        }
    }

    private void FlushBuffer()
    {
        if (_position > 0)
        {
            _stream.Write(_buffer, 0, _position);
            _position = 0;
        }
    }
}
