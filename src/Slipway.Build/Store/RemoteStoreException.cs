namespace Slipway.Build.Store;

/// <summary>A shared store could not answer (unreachable, refused credentials, a server error): never a miss.</summary>
public sealed class RemoteStoreException(string message, Exception? inner = null) : Exception(message, inner);
