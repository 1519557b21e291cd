namespace Slipway.Remote;

/// <summary>
/// An upload reached the host but could not be written there (a full disk, a directory that is not writable): the
/// host answered, so this is a failed step, not a lost host. The temporary file is already removed.
/// </summary>
public sealed class RemoteUploadException : IOException
{
    public RemoteUploadException(string host, string path, string reason, Exception? inner = null)
        : base($"{host}: upload to {path} failed: {reason}", inner)
    {
        Host = host;
        Path = path;
        Reason = reason;
    }

    public RemoteUploadException()
        : this("", "", "upload failed")
    {
    }

    public RemoteUploadException(string message)
        : this("", "", message)
    {
    }

    public RemoteUploadException(string message, Exception inner)
        : this("", "", message, inner)
    {
    }

    /// <summary>The host as shown to the user (<c>user@host:port</c>).</summary>
    public string Host { get; }

    /// <summary>The file that was to be written.</summary>
    public string Path { get; }

    /// <summary>Why, in the host's words (the last lines the remote side wrote on stderr), or the exit code.</summary>
    public string Reason { get; }
}
