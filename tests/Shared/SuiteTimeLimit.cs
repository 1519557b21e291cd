using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Xunit.v3;

[assembly: Slipway.Testing.Suite.SuiteTimeLimit]

namespace Slipway.Testing.Suite;

/// <summary>
/// The suite's time limit for every test of every test project (Directory.Build.props compiles this file into each):
/// a test that runs past <see cref="Limit"/> has its cancellation token (TestContext.Current.CancellationToken, which
/// every await in the suite takes) cancelled and fails with a message naming the limit; one that still has not ended a
/// minute later, because something it waits for ignores the token, ends the test process with the test's name on
/// stderr. So a hang fails in minutes with a message, never at the CI job's limit. A test's own
/// <c>[Fact(Timeout = …)]</c>, shorter, still applies first.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class SuiteTimeLimitAttribute : BeforeAfterTestAttribute
{
    /// <summary>10 minutes; SLIPWAY_TEST_TIME_LIMIT=SECONDS sets another (to try the mechanism itself).</summary>
    public static readonly TimeSpan Limit =
        int.TryParse(Environment.GetEnvironmentVariable("SLIPWAY_TEST_TIME_LIMIT"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(10);

    private static readonly TimeSpan Grace = Limit < TimeSpan.FromMinutes(1) ? Limit : TimeSpan.FromMinutes(1);
    private static readonly ConcurrentDictionary<string, Watch> Running = new(StringComparer.Ordinal);

    public override void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
        var context = TestContext.Current;
        var name = test.TestDisplayName;
        Running[test.UniqueID] = new Watch(
            new Timer(_ => context.CancelCurrentTest(), null, Limit, Timeout.InfiniteTimeSpan),
            new Timer(_ => Abort(name), null, Limit + Grace, Timeout.InfiniteTimeSpan),
            DateTime.UtcNow);
    }

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (!Running.TryRemove(test.UniqueID, out var watch))
        {
            return;
        }

        watch.Cancel.Dispose();
        watch.Abort.Dispose();
        if (DateTime.UtcNow - watch.Started >= Limit)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"{test.TestDisplayName} ran past the suite's time limit of {Limit.TotalSeconds} s (tests/Shared/SuiteTimeLimit.cs); its cancellation token was cancelled"));
        }
    }

    private static void Abort(string name)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slipway test suite: {name} did not end {Grace.TotalSeconds} s after " +
            $"its time limit of {Limit.TotalSeconds} s was reached and its token cancelled; ending the test process so the run fails now"));
        Environment.Exit(124);
    }

    private sealed record Watch(Timer Cancel, Timer Abort, DateTime Started);
}
