# `make bench-verdicts` (scripts/bench-verdicts.sh): how often `parbench compare` is wrong on this
# machine (false positives on runs compared with themselves) and how often it sees a real difference
# (one core against all, runs scaled by tools/scale_result). A benchmark, not a test: run it on a
# quiet machine. Options through VERDICT_ARGS, e.g. VERDICT_ARGS="--preset standard --pairs 3".
SCALE_RESULT := $(BUILD)/tools/scale_result

$(SCALE_RESULT): tools/scale_result.c $(BUILD)/libparbench.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libparbench.a $(LDFLAGS_ALL) $(LDLIBS)

TEST_EXTRA += $(SCALE_RESULT)

.PHONY: bench-verdicts
bench-verdicts: parbench $(SCALE_RESULT)
	PARBENCH=./parbench SCALE_RESULT=$(SCALE_RESULT) sh scripts/bench-verdicts.sh $(VERDICT_ARGS)

-include $(SCALE_RESULT).d
