package pipeline

// builder parses a transformation's parameters; depth is the nest depth.
type builder func(p *params, depth int) (transformation, error)

// transformations maps every supported `type:` to its builder.
var transformations map[string]builder

func init() {
	transformations = map[string]builder{
		"field_name_mapping":            newFieldNameMapping,
		"field_name_prefix_mapping":     newFieldNamePrefixMapping,
		"field_name_prefix":             newFieldNamePrefix,
		"field_name_suffix":             newFieldNameSuffix,
		"field_name_transform":          newFieldNameTransform,
		"drop_detection_item":           newDropDetectionItem,
		"add_condition":                 newAddCondition,
		"change_logsource":              newChangeLogsource,
		"replace_string":                newReplaceString,
		"map_string":                    newMapString,
		"set_value":                     newSetValue,
		"convert_type":                  newConvertType,
		"regex":                         newBackendOnly("method"),
		"value_placeholders":            newPlaceholders(false),
		"wildcard_placeholders":         newPlaceholders(true),
		"query_expression_placeholders": newBackendOnly("expression", "include", "exclude", "mapping"),
		"set_state":                     newSetState,
		"rule_failure":                  newRuleFailure,
		"detection_item_failure":        newDetectionItemFailure,
		"hashes_fields":                 newHashesFields,
		"add_field":                     newAddField,
		"remove_field":                  newRemoveField,
		"set_field":                     newSetField,
		"set_custom_attribute":          newSetCustomAttribute,
		"case_transformation":           newCaseTransformation,
		"case":                          newCaseTransformation,
		"nest":                          newNest,
	}
}
