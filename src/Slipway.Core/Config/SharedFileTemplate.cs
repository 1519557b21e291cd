namespace Slipway.Core.Config;

/// <summary>
/// <c>templates: PATH: { content | source, mode }</c>: the first content of a linked file, which <c>slipway setup</c>
/// writes to <c>shared/PATH</c> only when the file does not exist there yet (it never overwrites: the file usually holds
/// secrets the host keeps). Host variables (<c>${name}</c>) in the text are expanded per host.
/// </summary>
public sealed record SharedFileTemplate
{
    /// <summary>The linked file it is for, relative to shared/.</summary>
    public required string Path { get; init; }

    /// <summary>The text, before host variables are expanded (read from <c>source:</c> when given).</summary>
    public required string Content { get; init; }

    /// <summary>The file mode it is created with: <c>mode:</c>, else 0600 for a name that looks secret, else 0644.</summary>
    public UnixFileMode Mode { get; init; }

    public SourceLocation Location { get; init; }

    /// <summary>Owner read/write only (0600).</summary>
    public const UnixFileMode SecretMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0644.</summary>
    public const UnixFileMode PlainMode = SecretMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Whether a file name looks like it holds secrets (<c>.env</c>, <c>django.env</c>, <c>secrets.json</c>,
    /// <c>db_password</c>, <c>api.key</c>, <c>tls.pem</c>…), so it gets 0600 unless <c>mode:</c> says otherwise. Pure.
    /// </summary>
    public static bool LooksSecret(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        string[] words = ["secret", "passw", "token", "credential", "private", "key", "htpasswd", "netrc"];
        string[] endings = [".env", ".pem", ".p12", ".pfx", ".crt"];
        return name == "env" || name.StartsWith(".env", StringComparison.Ordinal) || endings.Any(name.EndsWith) ||
            words.Any(w => name.Contains(w, StringComparison.Ordinal));
    }
}
