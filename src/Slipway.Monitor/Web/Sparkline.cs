using System.Globalization;
using System.Text;

namespace Slipway.Monitor.Web;

/// <summary>A small inline SVG line graph of one perfdata series (no script, no external file). Pure.</summary>
public static class Sparkline
{
    /// <summary>
    /// The points (oldest first) as an <c>&lt;svg&gt;</c> of <paramref name="width"/> × <paramref name="height"/> pixels with a
    /// polyline scaled to the series' own min..max; empty for fewer than two points. <paramref name="title"/> is escaped.
    /// </summary>
    public static string Svg(IReadOnlyList<(DateTimeOffset At, double Value)> points, string title, int width = 120, int height = 24)
    {
        ArgumentNullException.ThrowIfNull(points);
        var finite = points.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.At).ToList();
        if (finite.Count < 2)
        {
            return "";
        }

        var t0 = finite[0].At.ToUnixTimeMilliseconds();
        var span = Math.Max(1, finite[^1].At.ToUnixTimeMilliseconds() - t0);
        var min = finite.Min(p => p.Value);
        var max = finite.Max(p => p.Value);
        var range = max - min;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">");
        sb.Append("<title>").Append(Html.Encode(title)).Append("</title><polyline fill=\"none\" stroke=\"#457b9d\" stroke-width=\"1.5\" points=\"");
        foreach (var (at, value) in finite)
        {
            var x = (at.ToUnixTimeMilliseconds() - t0) * (width - 2.0) / span + 1;
            // A flat series is drawn in the middle rather than on an edge.
            var y = range > 0 ? height - 1 - ((value - min) * (height - 2) / range) : height / 2.0;
            sb.Append(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#} ");
        }

        sb.Length--;
        return sb.Append("\"/></svg>").ToString();
    }
}
