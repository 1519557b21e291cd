using Slipway.Logs.Intake;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Web;

/// <summary>What the HTTP endpoints share.</summary>
public sealed record WebContext(ILogStore Store, IntakePipeline Pipeline, LogServerOptions Options, TimeProvider Clock)
{
    /// <summary>Slows down repeated wrong log-ins per client address.</summary>
    public LoginThrottle Throttle { get; } = new(Clock);
}
