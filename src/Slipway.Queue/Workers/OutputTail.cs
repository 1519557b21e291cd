using System.Text;

namespace Slipway.Queue.Workers;

/// <summary>The last characters of a process's stdout and stderr, in the order they arrived, bounded in memory.</summary>
internal sealed class OutputTail(int limit)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();
    private bool _cut;

    public void Append(ReadOnlySpan<char> chunk)
    {
        lock (_gate)
        {
            _text.Append(chunk);
            if (_text.Length > 2 * limit)
            {
                _text.Remove(0, _text.Length - limit);
                _cut = true;
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = _text.Length > limit ? _text.ToString(_text.Length - limit, limit) : _text.ToString();
            return _cut || _text.Length > limit ? Internal.TextLimit.CutMarker + text : text;
        }
    }
}
