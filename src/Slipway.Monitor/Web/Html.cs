using System.Text.Encodings.Web;

namespace Slipway.Monitor.Web;

/// <summary>HTML escaping of everything that is not ours: plugin output and perfdata are untrusted text.</summary>
internal static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string Encode(string? text) => Encoder.Encode(text ?? "");
}
