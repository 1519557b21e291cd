using Slipway.Queue.Workers;

namespace Slipway.Queue.Tests.Workers;

public sealed class CommandJobHandlerTests
{
    private static readonly LeasedJob Job = new(42, "mail", """{"to":"ops"}""", 0, 3, 2, 10, DateTimeOffset.UnixEpoch);

    private static CommandJobHandler Shell(string script, CommandJobOptions? options = null) => new(["/bin/sh", "-c", script], options);

    [Fact(Timeout = 30_000)]
    public async Task The_payload_arrives_on_stdin_and_exit_code_zero_succeeds_with_the_output_kept()
    {
        var result = await Shell("""cat; echo " $SLIPWAY_QUEUE $SLIPWAY_JOB_ID $SLIPWAY_JOB_ATTEMPT"; echo warn >&2""")
            .HandleAsync(Job, TestContext.Current.CancellationToken);

        result.ShouldBe(JobResult.Success("""{"to":"ops"} mail 42 2""" + "\nwarn\n"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_non_zero_exit_code_fails_with_the_code_and_the_output()
    {
        var result = await Shell("echo 'Traceback: boom' >&2; exit 3").HandleAsync(Job, TestContext.Current.CancellationToken);

        result.ShouldBe(JobResult.Failure("exit code 3", "Traceback: boom\n"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_process_past_its_time_out_is_killed_and_fails()
    {
        var result = await Shell("echo started; exec sleep 30", new CommandJobOptions { Timeout = TimeSpan.FromMilliseconds(300) })
            .HandleAsync(Job, TestContext.Current.CancellationToken);

        result.Succeeded.ShouldBeFalse();
        result.Error.ShouldBe("timed out after 00:00:00.3000000");
        result.Output.ShouldBe("started\n");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_process_that_ignores_a_large_payload_still_meets_its_time_out()
    {
        var big = Job with { Payload = new string('x', 1 << 20) };

        var result = await Shell("exec sleep 30", new CommandJobOptions { Timeout = TimeSpan.FromMilliseconds(300) })
            .HandleAsync(big, TestContext.Current.CancellationToken);

        result.Error.ShouldStartWith("timed out");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_missing_program_fails_with_a_reason()
    {
        var result = await new CommandJobHandler(["/nonexistent/worker"]).HandleAsync(Job, TestContext.Current.CancellationToken);

        result.Error!.ShouldStartWith("cannot start '/nonexistent/worker'");
    }

    [Fact(Timeout = 30_000)]
    public async Task Only_the_end_of_a_long_output_is_kept()
    {
        var result = await Shell("seq 1 100000", new CommandJobOptions { OutputLimit = 1000 })
            .HandleAsync(Job, TestContext.Current.CancellationToken);

        result.Output!.Length.ShouldBeLessThanOrEqualTo(1000 + Queue.Internal.TextLimit.CutMarker.Length);
        result.Output.ShouldEndWith("99999\n100000\n");
    }
}
