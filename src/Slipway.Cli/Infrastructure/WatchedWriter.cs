using System.Text;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// Passes text through to a writer and remembers whether any was written (and, when asked, what), so a failed
/// <c>--json</c> run whose command printed nothing can still answer with one JSON document.
/// </summary>
internal sealed class WatchedWriter(TextWriter inner, bool keepText) : TextWriter
{
    private readonly StringBuilder _text = new();

    public bool Written { get; private set; }

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override string NewLine
    {
#pragma warning disable CS8765 // TextWriter.NewLine's setter takes null (meaning the default); so does the inner writer's.
        set => inner.NewLine = value;
#pragma warning restore CS8765
        get => inner.NewLine;
    }

    public override void Write(char value)
    {
        Seen(value.ToString());
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        Seen(value);
        inner.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Seen(new string(buffer, index, count));
        inner.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Seen(buffer.ToString());
        inner.Write(buffer);
    }

    public override Task WriteAsync(char value)
    {
        Seen(value.ToString());
        return inner.WriteAsync(value);
    }

    public override Task WriteAsync(string? value)
    {
        Seen(value);
        return inner.WriteAsync(value);
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Seen(buffer.ToString());
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private void Seen(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Written = true;
        if (keepText)
        {
            lock (_text)
            {
                _text.Append(text);
            }
        }
    }
}
