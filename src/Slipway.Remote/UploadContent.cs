using System.Globalization;
using Slipway.Core.Shell;

namespace Slipway.Remote;

/// <summary>Helpers shared by the uploads of both transports.</summary>
internal static class UploadContent
{
    /// <summary>Makes the content seekable with a known length (the remote side checks the byte count).</summary>
    public static async Task<(Stream Data, long Length)> BufferAsync(Stream content, CancellationToken ct)
    {
        if (content.CanSeek)
        {
            return (new NonClosingStream(content), content.Length - content.Position);
        }

        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        return (buffer, buffer.Length);
    }

    /// <summary>Temporary name in the target's own directory, so the final rename never crosses file systems.</summary>
    public static string TempPath(string target)
    {
        var slash = target.LastIndexOf('/');
        var dir = slash < 0 ? "" : target[..(slash + 1)];
        var name = slash < 0 ? target : target[(slash + 1)..];
        return $"{dir}.{name}.slipway-{Guid.NewGuid():N}.tmp";
    }

    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    public static ShellCommand Command(string target, UnixFileMode mode, long length)
    {
        var temp = TempPath(target);
        var octal = Octal(mode);
        var size = length.ToString(CultureInfo.InvariantCulture);

        // umask 077: the temp file is private until chmod sets the requested mode; cat -- never takes the name as an option.
        return ShellCommand.Create(
            $"umask 077; if cat > {temp} && [ \"$(wc -c < {temp})\" -eq {size} ] && chmod {octal} {temp} && mv -f {temp} {target}; " +
            $"then exit 0; else rm -f {temp}; exit 1; fi");
    }
}
