namespace Slipway.Remote;

/// <summary>The host could not be reached, refused us, or went away. The message is meant for the user.</summary>
public sealed class RemoteConnectionException : Exception
{
    public RemoteConnectionException(string host, ConnectionFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Host = host;
        Failure = failure;
    }

    public RemoteConnectionException()
        : this("", ConnectionFailure.Other, "connection failed")
    {
    }

    public RemoteConnectionException(string message)
        : this("", ConnectionFailure.Other, message)
    {
    }

    public RemoteConnectionException(string message, Exception inner)
        : this("", ConnectionFailure.Other, message, inner)
    {
    }

    /// <summary>The host as shown to the user (<c>user@host:port</c>).</summary>
    public string Host { get; }

    public ConnectionFailure Failure { get; }

    /// <summary>Why, in ssh's words ("Connection to … closed by remote host."), when known; without the host or the command.</summary>
    public string? Reason { get; init; }
}

public enum ConnectionFailure
{
    Unreachable,
    Timeout,
    HostKeyUnknown,
    HostKeyChanged,
    AuthenticationFailed,
    ConnectionLost,
    Other,
}
